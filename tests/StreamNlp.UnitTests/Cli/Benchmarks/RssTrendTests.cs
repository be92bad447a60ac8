using StreamNlp.Cli.Benchmarks;

namespace StreamNlp.UnitTests.Cli.Benchmarks;

public sealed class RssTrendTests
{
    private const long Mib = 1024 * 1024;

    [Fact]
    public void Of_GrowthOnlyDuringWarmup_IsFlat()
    {
        // 10 minutes: warm-up is the first 120 s; RSS climbs from 300 to 400 MiB before that, then wobbles 2%.
        var samples = Enumerable.Range(1, 60).Select(i => new RssSample(i * 10, i * 100, (i * 10 < 120 ? 300 + i * 8 : 400 + (i % 2) * 8) * Mib, 50 * Mib)).ToList();

        var trend = RssTrend.Of(samples)!;

        Assert.Equal(120, trend.WarmupSeconds);
        Assert.True(trend.IsFlat, $"spread {trend.Spread:P1}");
        Assert.Equal(400 * Mib, trend.MinBytes);
    }

    [Fact]
    public void Of_SteadyLeakAfterWarmup_IsNotFlat()
    {
        var samples = Enumerable.Range(1, 60).Select(i => new RssSample(i * 10, i * 100, (300 + i * 2) * Mib, 50 * Mib)).ToList();

        var trend = RssTrend.Of(samples)!;

        Assert.False(trend.IsFlat);
        Assert.True(trend.LastBytes > trend.FirstBytes);
    }

    [Fact]
    public void Of_NoSamples_IsNull() => Assert.Null(RssTrend.Of([]));
}
