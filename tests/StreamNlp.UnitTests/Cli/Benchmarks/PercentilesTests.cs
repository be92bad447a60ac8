using StreamNlp.Cli.Benchmarks;

namespace StreamNlp.UnitTests.Cli.Benchmarks;

public sealed class PercentilesTests
{
    private static readonly double[] OneToHundred = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

    [Theory]
    [InlineData(0.50, 50)]
    [InlineData(0.95, 95)]
    [InlineData(0.99, 99)]
    [InlineData(1.00, 100)]
    [InlineData(0.001, 1)]
    public void NearestRank_OneToHundred_IsTheRankItself(double p, double expected)
    {
        Assert.Equal(expected, Percentiles.NearestRank(OneToHundred, p));
    }

    [Fact]
    public void NearestRank_FewSamples_RoundsTheRankUpToAnObservedValue()
    {
        double[] sorted = [10, 20, 30, 40];

        Assert.Equal(20, Percentiles.NearestRank(sorted, 0.50)); // rank ceil(2.0) = 2
        Assert.Equal(30, Percentiles.NearestRank(sorted, 0.51)); // rank ceil(2.04) = 3
        Assert.Equal(40, Percentiles.NearestRank(sorted, 0.99)); // p99 of 4 samples is the maximum
    }

    [Fact]
    public void NearestRank_Empty_IsNaN()
    {
        Assert.True(double.IsNaN(Percentiles.NearestRank([], 0.5)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    public void NearestRank_PercentileOutsideZeroToOne_Throws(double p)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.NearestRank(OneToHundred, p));
    }

    [Fact]
    public void Summarize_UnsortedSamples_SortsBeforeRanking()
    {
        var shuffled = OneToHundred.Reverse().ToArray();

        var summary = Percentiles.Summarize(shuffled);

        Assert.Equal(new LatencySummary(100, 50, 95, 99), summary);
    }
}
