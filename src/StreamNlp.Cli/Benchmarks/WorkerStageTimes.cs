namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// Where the worker's batch loop spent the measured interval, from its own per-batch log event (enrich +
/// deliver time) split at the batch's <c>processedAt</c> stamp (taken right after the encoder and heads ran):
/// inference ≈ encoder + heads + decoding; deliver ≈ building and producing the records, waiting for the
/// broker's acks and storing offsets. Busy share = time in batches ÷ the interval; below 1 the loop waited
/// for input (consume, parse, tokenize, batching wait).
/// </summary>
internal sealed record WorkerStageTimes(int MatchedBatches, double InferenceMsPerBatch, double DeliverMsPerBatch, double BusyShare, long LoggedPaddedTokens)
{
    /// <summary>
    /// Pairs each logged window (one event per window: its records, padded tokens and time) with the encoder
    /// runs it was made of: the records of one run share a <c>processedAt</c> stamp, so a window is the run
    /// stamped last before the event plus the runs just before it whose counts add up to the event's count.
    /// Windows that include the first run are left out, as the throughput interval leaves it out. Null when
    /// none matched (the log event was not seen).
    /// </summary>
    public static WorkerStageTimes? Match(IReadOnlyList<IReadOnlyList<EnrichedSample>> batches, IReadOnlyList<WorkerBatchLogEntry> entries, double intervalSeconds)
    {
        var matched = 0;
        double inference = 0, deliver = 0, busy = 0;
        long padded = 0;
        var last = -1;
        foreach (var entry in entries)
        {
            while (last + 1 < batches.Count && batches[last + 1][0].ProcessedAt <= entry.LoggedAt)
            {
                last++;
            }

            var first = last;
            var count = 0;
            while (first >= 0 && count < entry.Count)
            {
                count += batches[first].Count;
                first--;
            }

            first++;
            if (last < 0 || count != entry.Count || first < 1)
            {
                continue;
            }

            var deliverMs = Math.Min(entry.Milliseconds, (entry.LoggedAt - batches[last][0].ProcessedAt).TotalMilliseconds);
            matched++;
            deliver += deliverMs;
            inference += entry.Milliseconds - deliverMs;
            busy += entry.Milliseconds;
            padded += entry.PaddedTokens;
        }

        return matched == 0
            ? null
            : new WorkerStageTimes(matched, inference / matched, deliver / matched, intervalSeconds > 0 ? busy / 1000 / intervalSeconds : double.NaN, padded);
    }
}
