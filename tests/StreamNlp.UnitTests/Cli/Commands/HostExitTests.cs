using Microsoft.Extensions.Hosting;
using StreamNlp.Cli.Commands;
using StreamNlp.Worker.Hosting;

namespace StreamNlp.UnitTests.Cli.Commands;

public sealed class HostExitTests
{
    [Fact]
    public async Task Code_BrokerWithoutTheConsumerProtocol_IsABadSetting()
    {
        var service = await Failed(new GroupProtocolUnsupportedException(TimeSpan.FromSeconds(30)));

        Assert.Equal(HostExit.BadSetting, HostExit.Code([service]));
    }

    [Fact]
    public async Task Code_BrokerLostAtRunTime_IsARuntimeFailure()
    {
        var service = await Failed(new BrokerUnavailableException(TimeSpan.FromSeconds(3)));

        Assert.Equal(HostExit.RuntimeFailure, HostExit.Code([service]));
    }

    [Fact]
    public void Code_NothingFailed_IsZero() => Assert.Equal(0, HostExit.Code([]));

    private static async Task<BackgroundService> Failed(Exception error)
    {
        var service = new FailingService(error);
        await service.StartAsync(CancellationToken.None);
        await Assert.ThrowsAnyAsync<Exception>(() => service.ExecuteTask!);
        return service;
    }

    private sealed class FailingService(Exception error) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw error;
        }
    }
}
