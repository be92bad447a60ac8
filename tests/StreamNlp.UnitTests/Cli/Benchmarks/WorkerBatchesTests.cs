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
    public void StageTimes_SplitEachLoggedBatchAtItsProcessedAtStamp()
    {
        var batches = WorkerBatches.Group([.. Batch("a", 4, 0), .. Batch("b", 4, 1), .. Batch("c", 2, 2)]);
        WorkerBatchLogEntry[] log =
        [
            new(T0.AddSeconds(0.01), 4, 400, 900),   // the first batch: not in the measured interval
            new(T0.AddSeconds(1.02), 4, 480, 920),   // 20 ms after its stamp: deliver 20, inference 900
            new(T0.AddSeconds(2.04), 2, 200, 840),   // deliver 40, inference 800
        ];

        var stages = WorkerStageTimes.Match(batches, log, intervalSeconds: 2.0);

        Assert.NotNull(stages);
        Assert.Equal(2, stages.MatchedBatches);
        Assert.Equal(30, stages.DeliverMsPerBatch, 3);
        Assert.Equal(850, stages.InferenceMsPerBatch, 3);
        Assert.Equal(0.88, stages.BusyShare, 6); // (920 + 840) ms of 2 s
        Assert.Equal(680, stages.LoggedPaddedTokens);
    }

    [Fact]
    public void StageTimes_WindowOfSeveralEncoderRuns_SplitAtItsLastRun()
    {
        // Window 1: runs a (3) and b (2), logged 30 ms after b's stamp; window 2: runs c (1) and d (4).
        var batches = WorkerBatches.Group([.. Batch("a", 3, 0), .. Batch("b", 2, 0.5), .. Batch("c", 1, 1), .. Batch("d", 4, 1.5)]);
        WorkerBatchLogEntry[] log =
        [
            new(T0.AddSeconds(0.53), 5, 500, 600),   // includes the first run: not in the measured interval
            new(T0.AddSeconds(1.51), 5, 450, 700),   // 10 ms after d's stamp: deliver 10, inference 690
        ];

        var stages = WorkerStageTimes.Match(batches, log, intervalSeconds: 1.0);

        Assert.NotNull(stages);
        Assert.Equal(1, stages.MatchedBatches);
        Assert.Equal(10, stages.DeliverMsPerBatch, 3);
        Assert.Equal(690, stages.InferenceMsPerBatch, 3);
    }

    [Fact]
    public void StageTimes_NoLoggedBatch_IsNull()
    {
        var batches = WorkerBatches.Group([.. Batch("a", 4, 0), .. Batch("b", 4, 1)]);

        Assert.Null(WorkerStageTimes.Match(batches, [], intervalSeconds: 1.0));
    }
}
