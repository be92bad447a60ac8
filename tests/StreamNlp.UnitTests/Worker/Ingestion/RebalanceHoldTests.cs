using Microsoft.Extensions.Time.Testing;
using StreamNlp.Worker.Ingestion;

namespace StreamNlp.UnitTests.Worker.Ingestion;

public sealed class RebalanceHoldTests
{
    [Fact]
    public async Task WaitAsync_NotHolding_ReturnsAtOnce()
    {
        var hold = new RebalanceHold(new FakeTimeProvider());

        var wait = hold.WaitAsync(CancellationToken.None);

        Assert.True(wait.IsCompletedSuccessfully);
        await wait;
    }

    [Fact]
    public async Task WaitAsync_AfterBegin_WaitsUntilEnd()
    {
        var hold = new RebalanceHold(new FakeTimeProvider());
        hold.Begin();

        var wait = hold.WaitAsync(CancellationToken.None);
        await Task.Delay(50);
        var waitedWhileHolding = !wait.IsCompleted;
        hold.End();
        await wait.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(waitedWhileHolding);
    }

    [Fact]
    public async Task WaitAsync_NoCallbackWithinMaxHold_CarriesOn()
    {
        var time = new FakeTimeProvider();
        var hold = new RebalanceHold(time);
        hold.Begin();

        var wait = hold.WaitAsync(CancellationToken.None);
        time.Advance(RebalanceHold.MaxHold);
        await wait.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(hold.WaitAsync(CancellationToken.None).IsCompletedSuccessfully); // the hold ended with the time-out
    }
}
