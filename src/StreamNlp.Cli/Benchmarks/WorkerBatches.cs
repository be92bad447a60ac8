namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// Recovers the worker's micro-batches from its output: the worker stamps every record of a batch with the
/// same <c>processedAt</c> (taken once, after the batch's encoder run), and batches take far longer than the
/// clock's tick, so equal stamps mean one batch. Lets the bench see the batches the worker really formed
/// (partitions interleave, the batcher's token budget and wait cut them) without touching the worker.
/// </summary>
internal static class WorkerBatches
{
    /// <summary>The records grouped into batches, in processing order.</summary>
    public static IReadOnlyList<IReadOnlyList<EnrichedSample>> Group(IEnumerable<EnrichedSample> records) =>
        [.. records.GroupBy(r => r.ProcessedAt.UtcTicks)
            .OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<EnrichedSample>)[.. g])];
}
