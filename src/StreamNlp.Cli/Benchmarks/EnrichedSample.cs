namespace StreamNlp.Cli.Benchmarks;

/// <summary>The fields of one enriched record the bench reads: id, text, the worker's latencyMs and processedAt.</summary>
internal sealed record EnrichedSample(string Id, string Text, double LatencyMs, DateTimeOffset ProcessedAt);
