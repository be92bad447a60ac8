using StreamNlp.Training.Evaluation;

namespace StreamNlp.UnitTests.Training.Evaluation;

public sealed class ClassificationMetricsTests
{
    private const int Precision = 10;

    // Hand-computed example. Gold "mixed" is unknown to the model, so that example is always an error.
    //   gold:      pos pos pos neg neg neu neu mixed
    //   predicted: pos pos neg neg pos neu pos neu
    private static readonly string[] ModelLabels = ["pos", "neg", "neu"];
    private static readonly string[] Gold = ["pos", "pos", "pos", "neg", "neg", "neu", "neu", "mixed"];
    private static readonly string[] Predicted = ["pos", "pos", "neg", "neg", "pos", "neu", "pos", "neu"];

    [Fact]
    public void Compute_HandExample_AccuracyCountsUnknownGoldLabelAsError()
    {
        var metrics = ClassificationMetrics.Compute(ModelLabels, Gold, Predicted);

        Assert.Equal(8, metrics.Total);
        Assert.Equal(4, metrics.Correct);
        Assert.Equal(0.5, metrics.Accuracy, Precision);
        Assert.Equal(["pos", "neg", "neu", "mixed"], metrics.Labels);
        Assert.Equal(["mixed"], metrics.UnknownLabels);
    }

    [Fact]
    public void Compute_HandExample_PerLabelCountsAndScores()
    {
        var metrics = ClassificationMetrics.Compute(ModelLabels, Gold, Predicted);

        Assert.Equal(new PrecisionRecallF1(2, 2, 1), metrics.PerLabel["pos"]);
        Assert.Equal(new PrecisionRecallF1(1, 1, 1), metrics.PerLabel["neg"]);
        Assert.Equal(new PrecisionRecallF1(1, 1, 1), metrics.PerLabel["neu"]);
        Assert.Equal(new PrecisionRecallF1(0, 0, 1), metrics.PerLabel["mixed"]);
        Assert.Equal(0.5, metrics.PerLabel["pos"].Precision, Precision);
        Assert.Equal(2.0 / 3, metrics.PerLabel["pos"].Recall, Precision);
        Assert.Equal(4.0 / 7, metrics.PerLabel["pos"].F1, Precision);
        Assert.Equal(0.5, metrics.PerLabel["neg"].F1, Precision);
        Assert.Equal(0.0, metrics.PerLabel["mixed"].F1, Precision);
    }

    [Fact]
    public void Compute_HandExample_MacroF1AveragesLabelsSeenIncludingUnknown()
    {
        var metrics = ClassificationMetrics.Compute(ModelLabels, Gold, Predicted);

        Assert.Equal(((4.0 / 7) + 0.5 + 0.5 + 0.0) / 4, metrics.MacroF1, Precision);
    }

    [Fact]
    public void Compute_HandExample_ConfusionMatrixIsGoldByPredicted()
    {
        var metrics = ClassificationMetrics.Compute(ModelLabels, Gold, Predicted);

        int[][] expected =
        [
            [2, 1, 0, 0],
            [1, 1, 0, 0],
            [1, 0, 1, 0],
            [0, 0, 1, 0],
        ];
        Assert.Equal(expected.Length, metrics.ConfusionMatrix.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], metrics.ConfusionMatrix[i]);
        }

        Assert.Equal(1, metrics.Count("mixed", "neu"));
        Assert.Equal(1, metrics.Count("pos", "neg"));
        Assert.Equal(0, metrics.Count("nonexistent", "pos"));
    }

    [Fact]
    public void Compute_ModelLabelNeverSeen_IsLeftOutOfMacroF1()
    {
        var metrics = ClassificationMetrics.Compute(["a", "b", "c"], ["a", "b", "b"], ["a", "b", "b"]);

        Assert.Equal(1.0, metrics.Accuracy, Precision);
        Assert.Equal(1.0, metrics.MacroF1, Precision);
        Assert.Equal(0, metrics.PerLabel["c"].Support);
    }

    [Fact]
    public void Compute_PredictionOutsideModelLabels_Throws()
    {
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(["a", "b"], ["a"], ["z"]));
    }

    [Fact]
    public void Compute_PredictionOfUnknownGoldLabel_Throws()
    {
        // "z" is a gold label the model lacks; it cannot be a prediction either.
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(["a", "b"], ["z", "a"], ["a", "z"]));
    }

    [Fact]
    public void Compute_LengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(["a", "b"], ["a", "b"], ["a"]));
    }

    [Fact]
    public void FormatReport_ListsEveryLabel()
    {
        var report = ClassificationMetrics.Compute(ModelLabels, Gold, Predicted).FormatReport();

        Assert.Contains("accuracy 50.00 %", report, StringComparison.Ordinal);
        foreach (var label in new[] { "pos", "neg", "neu", "mixed" })
        {
            Assert.Contains(label, report, StringComparison.Ordinal);
        }
    }
}
