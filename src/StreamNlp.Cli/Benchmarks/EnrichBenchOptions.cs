namespace StreamNlp.Cli.Benchmarks;

/// <summary>The options of <c>streamnlp bench enrich</c>.</summary>
/// <param name="DataPath">JSONL with a "text" per line; null for the shipped news sample.</param>
/// <param name="Messages">Texts in the backlog (and in the in-process pass); the file is cycled when shorter.</param>
/// <param name="BatchSize">The worker's <c>StreamNlp:Batching:MaxBatchSize</c>, and the in-process pass's batch size.</param>
/// <param name="LatencySeconds">Seconds of paced load per latency level; 0 skips the latency levels.</param>
/// <param name="Json">Print one JSON line instead of the readable lines.</param>
internal sealed record EnrichBenchOptions(string? DataPath, int Messages, int BatchSize, double LatencySeconds, bool Json);
