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
    /// Pairs each batch (after the first, as the throughput interval does) with the first logged batch of the
    /// same size logged at or after its stamp; null when none matched (the log event was not seen).
    /// </summary>
    public static WorkerStageTimes? Match(IReadOnlyList<IReadOnlyList<EnrichedSample>> batches, IReadOnlyList<WorkerBatchLogEntry> entries, double intervalSeconds)
    {
        var matched = 0;
        double inference = 0, deliver = 0, busy = 0;
        long padded = 0;
        var next = 0;
        for (var b = 1; b < batches.Count; b++)
        {
            var stamp = batches[b][0].ProcessedAt;
            var index = next;
            while (index < entries.Count && (entries[index].LoggedAt < stamp || entries[index].Count != batches[b].Count))
            {
                index++;
            }

            if (index == entries.Count)
            {
                continue;
            }

            var entry = entries[index];
            var deliverMs = Math.Min(entry.Milliseconds, (entry.LoggedAt - stamp).TotalMilliseconds);
            matched++;
            deliver += deliverMs;
            inference += entry.Milliseconds - deliverMs;
            busy += entry.Milliseconds;
            padded += entry.PaddedTokens;
            next = index + 1;
        }

        return matched == 0
            ? null
            : new WorkerStageTimes(matched, inference / matched, deliver / matched, intervalSeconds > 0 ? busy / 1000 / intervalSeconds : double.NaN, padded);
    }
}
