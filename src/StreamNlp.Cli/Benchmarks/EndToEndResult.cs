namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// Throughput of a backlog through the broker and the worker, timed from the first batch's
/// <c>processedAt</c> to the last one's. The first batch's records are left out of the count because the
/// interval starts when they were finished; that also leaves out the worker's wait for the group join and
/// for the backlog's first records.
/// </summary>
internal sealed record EndToEndResult(int Expected, int Received, int Batches, int MeasuredRecords, double Seconds)
{
    /// <summary>Records/s over the measured interval; NaN with fewer than two batches.</summary>
    public double RecordsPerSecond => Seconds > 0 ? MeasuredRecords / Seconds : double.NaN;

    public static EndToEndResult From(int expected, IReadOnlyList<IReadOnlyList<EnrichedSample>> batches)
    {
        var received = batches.Sum(b => b.Count);
        if (batches.Count < 2)
        {
            return new EndToEndResult(expected, received, batches.Count, 0, 0);
        }

        var seconds = (batches[^1][0].ProcessedAt - batches[0][0].ProcessedAt).TotalSeconds;
        return new EndToEndResult(expected, received, batches.Count, received - batches[0].Count, seconds);
    }
}
