namespace StreamNlp.Cli.Benchmarks;

/// <summary>One "batch done" event of the worker: when it was logged, the batch's size, padded tokens and time (enrich + deliver).</summary>
internal sealed record WorkerBatchLogEntry(DateTimeOffset LoggedAt, int Count, int PaddedTokens, double Milliseconds);
