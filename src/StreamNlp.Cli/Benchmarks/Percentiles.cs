namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// Nearest-rank percentiles: the smallest sample with at least p·n samples at or below it. Always a value
/// that was observed (no interpolation between two records), and p99 of fewer than 100 samples is the
/// maximum, which is the honest answer for a short run.
/// </summary>
internal static class Percentiles
{
    /// <summary>The <paramref name="p"/> percentile (0 &lt; p ≤ 1) of ascending <paramref name="sorted"/>; NaN when empty.</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double p)
    {
        if (p is <= 0 or > 1 || double.IsNaN(p))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A percentile is in (0, 1].");
        }

        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    /// <summary>p50, p95 and p99 of <paramref name="samples"/> in any order.</summary>
    public static LatencySummary Summarize(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToList();
        return new LatencySummary(sorted.Count, NearestRank(sorted, 0.50), NearestRank(sorted, 0.95), NearestRank(sorted, 0.99));
    }
}
