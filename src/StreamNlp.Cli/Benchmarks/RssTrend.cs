namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// Whether memory stayed flat over a soak: after the warm-up (the first fifth of the run, at least a
/// minute when the run allows), the spread of the resident set, (max − min) ÷ min, must stay within the
/// allowed fraction (issue 12: 10%). The first and last readings after warm-up show any slow drift.
/// </summary>
internal sealed record RssTrend(int Samples, double WarmupSeconds, long MinBytes, long MaxBytes, long FirstBytes, long LastBytes)
{
    public const double AllowedSpread = 0.10;

    public double Spread => MinBytes == 0 ? 0 : (MaxBytes - MinBytes) / (double)MinBytes;

    public bool IsFlat => Spread <= AllowedSpread;

    public static RssTrend? Of(IReadOnlyList<RssSample> samples)
    {
        if (samples.Count == 0)
        {
            return null;
        }

        var end = samples[^1].Seconds;
        var warmup = Math.Min(Math.Max(end / 5, 60), end / 2);
        var steady = samples.Where(s => s.Seconds >= warmup).ToList();
        if (steady.Count == 0)
        {
            return null;
        }

        return new RssTrend(steady.Count, warmup, steady.Min(s => s.RssBytes), steady.Max(s => s.RssBytes), steady[0].RssBytes, steady[^1].RssBytes);
    }
}
