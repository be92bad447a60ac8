using StreamNlp.Models.Ner;
using StreamNlp.Training.Evaluation;

namespace StreamNlp.UnitTests.Training.Evaluation;

public sealed class EntityMetricsTests
{
    private const int Precision = 10;

    // Hand-computed example (conlleval counting):
    //   1: both PER and LOC exact                 → PER TP, LOC TP
    //   2: ORG predicted one word short           → ORG FP and ORG FN
    //   3: right span, wrong type                 → LOC FP, PER FN
    //   4: spurious MISC                          → MISC FP
    //   5: missed LOC                             → LOC FN
    private static readonly IReadOnlyList<string>[] Gold =
    [
        ["B-PER", "I-PER", "O", "B-LOC"],
        ["B-ORG", "I-ORG", "I-ORG", "O"],
        ["O", "B-PER", "O"],
        ["O", "O"],
        ["B-LOC"],
    ];

    private static readonly IReadOnlyList<string>[] Predicted =
    [
        ["B-PER", "I-PER", "O", "B-LOC"],
        ["B-ORG", "I-ORG", "O", "O"],
        ["O", "B-LOC", "O"],
        ["B-MISC", "O"],
        ["O"],
    ];

    [Fact]
    public void FromTags_HandExample_PerTypeCounts()
    {
        var metrics = EntityMetrics.FromTags(Gold, Predicted);

        Assert.Equal(new PrecisionRecallF1(1, 0, 1), metrics.PerType["PER"]);
        Assert.Equal(new PrecisionRecallF1(1, 1, 1), metrics.PerType["LOC"]);
        Assert.Equal(new PrecisionRecallF1(0, 1, 1), metrics.PerType["ORG"]);
        Assert.Equal(new PrecisionRecallF1(0, 1, 0), metrics.PerType["MISC"]);
        Assert.Equal(["LOC", "MISC", "ORG", "PER"], metrics.Types);
        Assert.Equal(5, metrics.Sentences);
    }

    [Fact]
    public void FromTags_HandExample_OverallPrecisionRecallF1()
    {
        var metrics = EntityMetrics.FromTags(Gold, Predicted);

        Assert.Equal(new PrecisionRecallF1(2, 3, 3), metrics.Overall);
        Assert.Equal(0.4, metrics.Overall.Precision, Precision);
        Assert.Equal(0.4, metrics.Overall.Recall, Precision);
        Assert.Equal(0.4, metrics.Overall.F1, Precision);
        Assert.Equal(2.0 / 3, metrics.PerType["PER"].F1, Precision);
        Assert.Equal(1.0, metrics.PerType["PER"].Precision, Precision);
        Assert.Equal(0.5, metrics.PerType["PER"].Recall, Precision);
    }

    [Fact]
    public void FromTags_SpanOffByOneWord_IsBothFalsePositiveAndFalseNegative()
    {
        var metrics = EntityMetrics.FromTags(
            [["O", "B-PER", "I-PER", "O"]],
            [["O", "B-PER", "I-PER", "I-PER"]]);

        Assert.Equal(new PrecisionRecallF1(0, 1, 1), metrics.Overall);
        Assert.Equal(0.0, metrics.Overall.F1);
    }

    [Fact]
    public void FromTags_InsideTagAfterOutside_StartsAnEntityAsConllevalDoes()
    {
        var metrics = EntityMetrics.FromTags(
            [["O", "B-PER", "I-PER"]],
            [["O", "I-PER", "I-PER"]]);

        Assert.Equal(new PrecisionRecallF1(1, 0, 0), metrics.Overall);
    }

    [Fact]
    public void FromSpans_MatchesOnStartEndAndType()
    {
        IReadOnlyList<EntitySpan>[] gold = [[new(0, 2, "PER"), new(3, 4, "LOC")], []];
        IReadOnlyList<EntitySpan>[] predicted = [[new(0, 2, "PER"), new(3, 4, "ORG")], [new(0, 1, "LOC")]];

        var metrics = EntityMetrics.FromSpans(gold, predicted);

        Assert.Equal(new PrecisionRecallF1(1, 2, 1), metrics.Overall);
        Assert.Equal(new PrecisionRecallF1(0, 1, 1), metrics.PerType["LOC"]);
    }

    [Fact]
    public void FromTags_NoEntitiesAnywhere_GivesZeroScoresWithoutNaN()
    {
        var metrics = EntityMetrics.FromTags([["O"]], [["O"]]);

        Assert.Equal(0.0, metrics.Overall.F1);
        Assert.Equal(0.0, metrics.Overall.Precision);
        Assert.Empty(metrics.Types);
    }

    [Fact]
    public void FromTags_SentenceLengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => EntityMetrics.FromTags([["O", "O"]], [["O"]]));
        Assert.Throws<ArgumentException>(() => EntityMetrics.FromTags([["O"]], []));
    }

    [Fact]
    public void FormatReport_MentionsOverallAndTypes()
    {
        var report = EntityMetrics.FromTags(Gold, Predicted).FormatReport();

        Assert.Contains("F1 40.00 %", report, StringComparison.Ordinal);
        Assert.Contains("MISC", report, StringComparison.Ordinal);
    }
}
