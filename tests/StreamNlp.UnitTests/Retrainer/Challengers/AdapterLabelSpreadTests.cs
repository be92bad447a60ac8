using StreamNlp.Core.Tasks;
using StreamNlp.Retrainer.Challengers.Strategies;
using StreamNlp.Training.Data;

namespace StreamNlp.UnitTests.Retrainer.Challengers;

public sealed class AdapterLabelSpreadTests
{
    private static readonly List<LabeledText> Negative = [.. Enumerable.Range(0, 300).Select(i => new LabeledText($"review {i}", "negative"))];

    [Fact]
    public void OneLabel_IsRefused_NamingTheLabelAndCount()
    {
        // 500 negative book reviews once passed the gate (the held-out part is just as one-sided) and took books dev to 51%.
        var error = Assert.Throws<InvalidOperationException>(() => AdapterChallenger.CheckLabelSpread(NlpTask.Sentiment, Negative));

        Assert.Contains("one-sided ('negative' 300 of 300", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RarestLabelUnderFivePercent_IsRefused()
    {
        var almost = Negative.Concat(Enumerable.Range(0, 10).Select(i => new LabeledText($"good {i}", "positive"))).ToList();

        Assert.Throws<InvalidOperationException>(() => AdapterChallenger.CheckLabelSpread(NlpTask.Sentiment, almost));
    }

    [Fact]
    public void TwoLabels_EachAtLeastFivePercent_Pass()
    {
        var balanced = Negative.Concat(Enumerable.Range(0, 60).Select(i => new LabeledText($"good {i}", "positive"))).ToList();

        AdapterChallenger.CheckLabelSpread(NlpTask.Sentiment, balanced);
    }
}

public sealed class AdapterFoldTests
{
    [Fact]
    public void FoldOf_IsStableAndSpreadsTextsOverEveryFold()
    {
        var texts = Enumerable.Range(0, 1000).Select(i => $"feedback text {i}").ToList();

        var folds = texts.Select(AdapterChallenger.FoldOf).ToList();

        Assert.Equal(folds, texts.Select(AdapterChallenger.FoldOf)); // a text keeps its fold across rounds
        Assert.All(folds, f => Assert.InRange(f, 0, AdapterChallenger.Folds - 1));
        Assert.All(folds.GroupBy(f => f), g => Assert.InRange(g.Count(), 150, 250)); // about a fifth each
    }
}
