using StreamNlp.Cli.Benchmarks;

namespace StreamNlp.UnitTests.Cli.Benchmarks;

public sealed class WorkerBatchesTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    internal static EnrichedSample Record(string id, double seconds, string text = "x") =>
        new(id, text, LatencyMs: 0, T0.AddSeconds(seconds));

    internal static IReadOnlyList<EnrichedSample> Batch(string prefix, int count, double seconds) =>
        [.. Enumerable.Range(0, count).Select(i => Record($"{prefix}{i}", seconds))];

    [Fact]
    public void Group_RecordsWithEqualProcessedAt_FormOneBatchInTimeOrder()
    {
        EnrichedSample[] records = [Record("c", 2), Record("a", 1), Record("b", 1), Record("d", 2.5)];

        var batches = WorkerBatches.Group(records);

        Assert.Equal([["a", "b"], ["c"], ["d"]], batches.Select(b => b.Select(r => r.Id).Order().ToArray()).ToArray());
    }

    [Fact]
    public void EndToEnd_ExcludesTheFirstBatchAndTimesFromItsStamp()
    {
        var batches = WorkerBatches.Group([.. Batch("a", 64, 0), .. Batch("b", 64, 1), .. Batch("c", 32, 2)]);

        var result = EndToEndResult.From(expected: 160, batches);

        Assert.Equal(160, result.Received);
        Assert.Equal(96, result.MeasuredRecords);
        Assert.Equal(2.0, result.Seconds, 6);
        Assert.Equal(48.0, result.RecordsPerSecond, 6);
    }

    [Fact]
    public void EndToEnd_OneBatch_HasNoRate()
    {
        var result = EndToEndResult.From(expected: 10, WorkerBatches.Group(Batch("a", 10, 0)));

        Assert.Equal(10, result.Received);
        Assert.True(double.IsNaN(result.RecordsPerSecond));
    }

    [Fact]
    public void StageTimes_AverageEachStageAndShareTheIntervalFromFirstInferenceToLastDelivery()
    {
        WorkerBatchLogEntry[] log =
        [
            new(WorkerStage.Inference, T0.AddSeconds(-0.5), 1, 100),  // the warm-up window, before the backlog
            new(WorkerStage.Delivery, T0.AddSeconds(-0.4), 1, 10),
            new(WorkerStage.Inference, T0.AddSeconds(1.0), 4, 900),  // started at 0.1 s
            new(WorkerStage.Inference, T0.AddSeconds(1.9), 4, 880),  // overlaps the first window's delivery
            new(WorkerStage.Delivery, T0.AddSeconds(1.05), 4, 50),
            new(WorkerStage.Delivery, T0.AddSeconds(2.1), 4, 30),     // the interval: 0.1 s → 2.1 s
        ];

        var stages = WorkerStageTimes.From(log, since: T0);

        Assert.NotNull(stages);
        Assert.Equal(2, stages.Windows);
        Assert.Equal(890, stages.InferenceMsPerWindow, 3);
        Assert.Equal(40, stages.DeliverMsPerWindow, 3);
        Assert.Equal(0.89, stages.InferenceBusyShare, 6); // 1780 ms of 2 s
        Assert.Equal(0.04, stages.DeliverBusyShare, 6);   // 80 ms of 2 s
    }

    [Fact]
    public void StageTimes_NoWindowSince_IsNull()
    {
        WorkerBatchLogEntry[] log = [new(WorkerStage.Inference, T0, 1, 100), new(WorkerStage.Delivery, T0.AddSeconds(0.1), 1, 10)];

        Assert.Null(WorkerStageTimes.From(log, since: T0.AddSeconds(1)));
        Assert.Null(WorkerStageTimes.From([], since: T0));
    }
}
