namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// One load level: the rate offered (a fraction of the measured peak), the rate the paced producer reached,
/// and the percentiles of the records' own <c>latencyMs</c> (input's Kafka timestamp → record built).
/// </summary>
internal sealed record LatencyLevelResult(double LoadFraction, double OfferedPerSecond, double AchievedPerSecond, int Sent, LatencySummary Latency);
