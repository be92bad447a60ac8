namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// One reading of the soak: time since start, records enriched so far, the worker's resident set and managed heap
/// (-1 when the worker is another process), and, with a worker process, the bench process's own resident set
/// (embedded broker and clients).
/// </summary>
internal readonly record struct RssSample(double Seconds, long Enriched, long RssBytes, long ManagedBytes)
{
    public long BenchRssBytes { get; init; }
}
