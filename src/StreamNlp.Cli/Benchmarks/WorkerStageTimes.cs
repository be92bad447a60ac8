namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// Where the worker's two overlapped stages spent the backlog, from its own per-window log events: the
/// inference stage (encoder + heads + decoding over the window's runs) and the delivery stage (writing the
/// records as JSON, producing them, waiting for the broker's acks, storing and committing offsets). Each
/// stage's busy share is its time ÷ the interval from the first window's inference start to the last
/// window's delivery end; an inference share below 1 means the encoder waited (for input, or for delivery).
/// </summary>
internal sealed record WorkerStageTimes(int Windows, double InferenceMsPerWindow, double DeliverMsPerWindow, double InferenceBusyShare, double DeliverBusyShare)
{
    /// <summary>The stage times of the windows whose inference started at or after <paramref name="since"/>; null when none was logged.</summary>
    public static WorkerStageTimes? From(IReadOnlyList<WorkerBatchLogEntry> entries, DateTimeOffset since)
    {
        var inference = entries.Where(e => e.Stage == WorkerStage.Inference && e.StartedAt >= since).ToList();
        if (inference.Count == 0)
        {
            return null;
        }

        var start = inference.Min(e => e.StartedAt);
        var delivery = entries.Where(e => e.Stage == WorkerStage.Delivery && e.LoggedAt > start).Take(inference.Count).ToList();
        if (delivery.Count == 0)
        {
            return null;
        }

        var seconds = (delivery.Max(e => e.LoggedAt) - start).TotalSeconds;
        return new WorkerStageTimes(
            inference.Count,
            inference.Average(e => e.Milliseconds),
            delivery.Average(e => e.Milliseconds),
            seconds > 0 ? inference.Sum(e => e.Milliseconds) / 1000 / seconds : double.NaN,
            seconds > 0 ? delivery.Sum(e => e.Milliseconds) / 1000 / seconds : double.NaN);
    }
}
