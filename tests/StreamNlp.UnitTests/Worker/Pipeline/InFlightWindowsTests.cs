using StreamNlp.Worker.Pipeline;

namespace StreamNlp.UnitTests.Worker.Pipeline;

public sealed class InFlightWindowsTests
{
    [Fact]
    public void Drain_NothingInFlight_ReturnsAtOnce()
    {
        using var windows = new InFlightWindows();

        Assert.True(windows.Drain(TimeSpan.Zero));
        windows.Reopen();
    }

    [Fact]
    public async Task Drain_WaitsForEveryWindowInFlight_BothStagesOfTheOverlap()
    {
        using var windows = new InFlightWindows();
        await windows.EnterAsync(CancellationToken.None); // delivering
        await windows.EnterAsync(CancellationToken.None); // being enriched

        Assert.False(windows.Drain(TimeSpan.FromMilliseconds(20)));
        windows.Exit();
        Assert.False(windows.Drain(TimeSpan.FromMilliseconds(20)));
        var drained = Task.Run(() => windows.Drain(TimeSpan.FromSeconds(10)));
        windows.Exit();

        Assert.True(await drained);
        Assert.Equal(0, windows.Count);
        windows.Reopen();
    }

    [Fact]
    public async Task EnterAsync_WhileDraining_WaitsUntilReopen()
    {
        using var windows = new InFlightWindows();
        Assert.True(windows.Drain(TimeSpan.Zero));

        var entered = windows.EnterAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(entered.IsCompleted);
        Assert.Equal(0, windows.Count);

        windows.Reopen();
        await entered.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, windows.Count);
    }

    [Fact]
    public async Task EnterAsync_WhileDraining_CanBeCancelled()
    {
        using var windows = new InFlightWindows();
        Assert.True(windows.Drain(TimeSpan.Zero));
        using var cancel = new CancellationTokenSource();

        var entered = windows.EnterAsync(cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => entered);
        Assert.Equal(0, windows.Count);
    }

    [Fact]
    public void Exit_NothingInFlight_Throws()
    {
        using var windows = new InFlightWindows();

        Assert.Throws<InvalidOperationException>(windows.Exit);
    }
}
