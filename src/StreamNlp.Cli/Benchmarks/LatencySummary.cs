namespace StreamNlp.Cli.Benchmarks;

/// <summary>Percentiles of a set of latencies in milliseconds (NaN when <see cref="Count"/> is 0).</summary>
internal sealed record LatencySummary(int Count, double P50, double P95, double P99);
