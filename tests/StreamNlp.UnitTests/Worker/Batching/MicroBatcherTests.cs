using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using StreamNlp.Worker.Batching;

namespace StreamNlp.UnitTests.Worker.Batching;

public sealed class MicroBatcherTests
{
    private static (Channel<int> Channel, MicroBatcher<int> Batcher, FakeTimeProvider Time) Create(int maxItems, int maxWaitMs, int maxTokens)
    {
        var channel = Channel.CreateUnbounded<int>();
        var time = new FakeTimeProvider();
        var batcher = new MicroBatcher<int>(channel.Reader, new BatchPolicy(maxItems, TimeSpan.FromMilliseconds(maxWaitMs), maxTokens), t => t, time);
        return (channel, batcher, time);
    }

    [Fact]
    public async Task NextBatch_FullBySize_ReturnsWithoutWaiting()
    {
        var (channel, batcher, _) = Create(maxItems: 3, maxWaitMs: 60_000, maxTokens: 10_000);
        for (var i = 0; i < 5; i++)
        {
            channel.Writer.TryWrite(10);
        }

        var first = await batcher.NextBatchAsync(CancellationToken.None);

        Assert.Equal(3, first!.Count);
    }

    [Fact]
    public async Task NextBatch_PartialBatch_WaitsForMaxWaitThenReturns()
    {
        var (channel, batcher, time) = Create(maxItems: 32, maxWaitMs: 50, maxTokens: 10_000);
        channel.Writer.TryWrite(10);
        channel.Writer.TryWrite(10);

        var pending = batcher.NextBatchAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(pending.IsCompleted, "must wait for companions until MaxWait");

        time.Advance(TimeSpan.FromMilliseconds(50));
        var batch = await pending.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(2, batch!.Count);
    }

    [Fact]
    public async Task NextBatch_RecordsArrivingWhileWaiting_JoinTheBatch()
    {
        var (channel, batcher, time) = Create(maxItems: 3, maxWaitMs: 50, maxTokens: 10_000);
        channel.Writer.TryWrite(10);
        var pending = batcher.NextBatchAsync(CancellationToken.None).AsTask();
        await Task.Delay(20);

        channel.Writer.TryWrite(10);
        channel.Writer.TryWrite(10);
        var batch = await pending.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(3, batch!.Count);
    }

    [Fact]
    public async Task NextBatch_TokenBudget_ClosesBatchBeforeOverflow()
    {
        // Padded cost = count × longest: 3 × 100 = 300 fits a 350 budget; the 4th (4 × 100) does not.
        var (channel, batcher, _) = Create(maxItems: 32, maxWaitMs: 0, maxTokens: 350);
        foreach (var tokens in new[] { 100, 50, 100, 20, 20 })
        {
            channel.Writer.TryWrite(tokens);
        }

        var first = await batcher.NextBatchAsync(CancellationToken.None);
        var second = await batcher.NextBatchAsync(CancellationToken.None);

        Assert.Equal([100, 50, 100], first);
        Assert.Equal([20, 20], second);
    }

    [Fact]
    public async Task NextBatch_SingleOversizeRecord_StillGoesAlone()
    {
        var (channel, batcher, _) = Create(maxItems: 32, maxWaitMs: 0, maxTokens: 64);
        channel.Writer.TryWrite(500);
        channel.Writer.TryWrite(10);

        var first = await batcher.NextBatchAsync(CancellationToken.None);

        Assert.Equal([500], first);
    }

    [Fact]
    public async Task NextBatch_CompletedChannel_DrainsThenReturnsNull()
    {
        var (channel, batcher, _) = Create(maxItems: 32, maxWaitMs: 60_000, maxTokens: 10_000);
        channel.Writer.TryWrite(1);
        channel.Writer.Complete();

        var last = await batcher.NextBatchAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        var end = await batcher.NextBatchAsync(CancellationToken.None);

        Assert.Equal([1], last);
        Assert.Null(end);
    }

    [Fact]
    public async Task NextBatch_Cancelled_Throws()
    {
        var (_, batcher, _) = Create(maxItems: 32, maxWaitMs: 10, maxTokens: 10_000);
        using var cts = new CancellationTokenSource();
        var pending = batcher.NextBatchAsync(cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }
}
