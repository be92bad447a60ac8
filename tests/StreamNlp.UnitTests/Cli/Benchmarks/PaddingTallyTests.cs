using StreamNlp.Cli.Benchmarks;

namespace StreamNlp.UnitTests.Cli.Benchmarks;

public sealed class PaddingTallyTests
{
    [Fact]
    public void Add_OneBatch_PadsEveryTextToTheLongest()
    {
        var tally = new PaddingTally();

        tally.Add([10, 20, 30]);

        Assert.Equal(60, tally.RealTokens);
        Assert.Equal(90, tally.PaddedTokens); // 3 × 30
        Assert.Equal(1.5, tally.Waste, 10);
    }

    [Fact]
    public void Add_SeparateBatches_PadsEachToItsOwnLongest()
    {
        var tally = new PaddingTally();

        tally.Add([10]);
        tally.Add([30, 30]);

        Assert.Equal(2, tally.Batches);
        Assert.Equal(1.0, tally.Waste, 10); // one global maximum would have given 90 / 70
    }

    [Fact]
    public void Waste_NoBatch_IsNaN()
    {
        var tally = new PaddingTally();

        tally.Add([]);

        Assert.Equal(0, tally.Batches);
        Assert.True(double.IsNaN(tally.Waste));
    }

    [Fact]
    public void Add_ZeroLength_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PaddingTally().Add([5, 0]));
    }
}
