namespace StreamNlp.Cli.Benchmarks;

/// <summary>One reading of the soak: time since start, records enriched so far, resident set and managed heap.</summary>
internal readonly record struct RssSample(double Seconds, long Enriched, long RssBytes, long ManagedBytes);
