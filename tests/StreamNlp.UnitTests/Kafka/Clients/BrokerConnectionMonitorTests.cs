using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;
using StreamNlp.Kafka.Clients;
using StreamNlp.UnitTests.Logging;

namespace StreamNlp.UnitTests.Kafka.Clients;

public sealed class BrokerConnectionMonitorTests
{
    private static readonly Error AllDown = new(ErrorCode.Local_AllBrokersDown, "1/1 brokers are down");
    private static readonly Error Refused = new(ErrorCode.Local_Transport, "Connect to ipv4#127.0.0.1:9 failed: Connection refused");

    [Fact]
    public void OnError_ManyErrorsWhileDown_LogsOneLineThenASummaryPer10Seconds()
    {
        var time = new FakeTimeProvider();
        var logger = new CapturingLogger();
        var monitor = new BrokerConnectionMonitor(logger, time, TimeSpan.Zero);

        monitor.OnError(Refused);
        monitor.OnError(AllDown);
        for (var second = 0; second < 30; second++)
        {
            for (var i = 0; i < 84; i++)
            {
                monitor.OnError(i % 2 == 0 ? Refused : AllDown);
            }

            time.Advance(TimeSpan.FromSeconds(1));
            monitor.Tick();
        }

        // one for the first refused connection, one for the loss, one summary per 10 s (3), nothing else
        Assert.InRange(logger.Lines.Count, 4, 5);
        Assert.Contains(logger.Lines, l => l.Message.Contains("Lost every Kafka broker", StringComparison.Ordinal));
        Assert.Equal(3, logger.Lines.Count(l => l.Message.Contains("Still no Kafka broker", StringComparison.Ordinal)));
        Assert.False(monitor.IsBrokerReachable);
    }

    [Fact]
    public void OnAlive_AfterLoss_LogsRecoveryOnceAndIsReachable()
    {
        var time = new FakeTimeProvider();
        var logger = new CapturingLogger();
        var monitor = new BrokerConnectionMonitor(logger, time, TimeSpan.Zero);
        monitor.OnError(AllDown);
        time.Advance(TimeSpan.FromSeconds(3));

        monitor.OnAlive();
        monitor.OnAlive();

        Assert.True(monitor.IsBrokerReachable);
        Assert.Single(logger.Lines, l => l.Message.Contains("reachable again after 3.0 s", StringComparison.Ordinal));
    }

    [Fact]
    public void ExitDeadlinePassed_OnlyAfterTheConfiguredTimeWithoutBroker()
    {
        var time = new FakeTimeProvider();
        var monitor = new BrokerConnectionMonitor(new CapturingLogger(), time, TimeSpan.FromSeconds(30));

        monitor.OnError(AllDown);
        time.Advance(TimeSpan.FromSeconds(29));
        var before = monitor.ExitDeadlinePassed;
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(before);
        Assert.True(monitor.ExitDeadlinePassed);
    }

    [Fact]
    public void ExitDeadlinePassed_ZeroMeansWaitForever()
    {
        var time = new FakeTimeProvider();
        var monitor = new BrokerConnectionMonitor(new CapturingLogger(), time, TimeSpan.Zero);

        monitor.OnError(AllDown);
        time.Advance(TimeSpan.FromDays(1));

        Assert.False(monitor.ExitDeadlinePassed);
    }

    [Theory]
    [InlineData("""{"brokers": {"localhost:9092/1": {"state": "UP"}}}""", true)]
    [InlineData("""{"brokers": {"localhost:9092/bootstrap": {"state": "CONNECT"}, "a/2": {"state": "DOWN"}}}""", false)]
    [InlineData("""{"name": "x"}""", false)]
    [InlineData("not json", false)]
    public void AnyBrokerUp_ReadsLibrdkafkaStatistics(string json, bool expected) =>
        Assert.Equal(expected, BrokerConnectionMonitor.AnyBrokerUp(json));
}
