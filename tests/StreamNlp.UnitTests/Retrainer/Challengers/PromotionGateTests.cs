using StreamNlp.Retrainer.Challengers;
using StreamNlp.Retrainer.Configuration;

namespace StreamNlp.UnitTests.Retrainer.Challengers;

public sealed class PromotionGateTests
{
    private static readonly PromotionGate Gate = new(new RetrainerOptions { MinImprovement = 0.02, Significance = 0.05, Tolerance = 0.01 });

    private static Scorecard Card(int right, int total, double? baseScore) =>
        new([.. Enumerable.Range(0, total).Select(i => i < right)], right / (double)total, baseScore);

    [Fact]
    public void Decide_ClearlyBetterAndBaseKept_Promotes()
    {
        var decision = Gate.Decide(Card(10, 60, 0.90), Card(55, 60, 0.895));

        Assert.True(decision.Promote, decision.Reason);
    }

    [Fact]
    public void Decide_BaseDropBeyondTolerance_Rejects()
    {
        var decision = Gate.Decide(Card(10, 60, 0.90), Card(55, 60, 0.85));

        Assert.False(decision.Promote);
        Assert.Contains("base dev", decision.Reason);
    }

    [Fact]
    public void Decide_SmallGain_Rejects()
    {
        var decision = Gate.Decide(Card(30, 100, null), Card(31, 100, null));

        Assert.False(decision.Promote);
        Assert.Contains("gain", decision.Reason);
    }

    [Fact]
    public void Decide_GainThatCouldBeChance_Rejects()
    {
        // 5 of 20 vs 8 of 20 right: +15 points, but only 3 discordant wins — p = 0.125.
        var decision = Gate.Decide(Card(5, 20, null), Card(8, 20, null));

        Assert.False(decision.Promote);
        Assert.Contains("not significant", decision.Reason);
    }

    [Theory]
    [InlineData(3, 0, 0.125)]    // P(X ≥ 3 | n = 3) = 1/8
    [InlineData(5, 5, 0.623046875)]
    [InlineData(0, 4, 1.0)]
    public void SignTestPValue_MatchesBinomialTail(int wins, int losses, double expected)
    {
        var champion = Enumerable.Repeat(false, wins).Concat(Enumerable.Repeat(true, losses)).ToArray();
        var challenger = Enumerable.Repeat(true, wins).Concat(Enumerable.Repeat(false, losses)).ToArray();

        Assert.Equal(expected, PromotionGate.SignTestPValue(champion, challenger), 9);
    }
}
