using System.Net;
using System.Net.Sockets;
using StreamNlp.IntegrationTests.Kafka;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Worker;

/// <summary>Start-up errors of <c>streamnlp run</c>: one line naming the problem and the setting, exit code 2, a stack trace only with <c>--verbose</c>.</summary>
[Collection("kafka")]
public sealed class StartupErrorTests(KafkaBrokerFixture broker, ITestOutputHelper output)
{
    private static readonly string Models = Path.Combine(Path.GetTempPath(), $"streamnlp-test-child-models-{Environment.ProcessId}");

    [SkippableFact]
    public async Task Run_BrokerWithoutAdminApi_ExitsTwoWithOneLineNamingCreateTopics()
    {
        var cli = WorkerProcess.CliPath();
        Skip.If(cli is null, "the CLI is not built beside the tests (dotnet build StreamNlp.sln builds it)");
        // The embedded broker belongs to this test process; to another process it is a broker without the admin API.
        Skip.If(broker.Embedded is null, "a real Kafka broker has the admin API");
        using var child = WorkerProcess.Start(cli!, broker.BootstrapServers, TestTopics.Fresh(), Models,
            new Dictionary<string, string> { ["StreamNlp__Kafka__CreateTopics"] = "true" });

        var exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(120));

        output.WriteLine(child.Stderr);
        Assert.Equal(2, exitCode);
        var error = Assert.Single(Lines(child.Stderr), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("could not create the topics", error, StringComparison.Ordinal);
        Assert.Contains("StreamNlp:Kafka:CreateTopics=false", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", child.Stderr, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_BadLogFormat_ExitsTwoNamingTheSetting_StackTraceOnlyWithVerbose(bool verbose)
    {
        var cli = WorkerProcess.CliPath();
        Skip.If(cli is null, "the CLI is not built beside the tests (dotnet build StreamNlp.sln builds it)");
        using var child = WorkerProcess.Start(cli!, broker.BootstrapServers, TestTopics.Fresh(), Models,
            new Dictionary<string, string> { ["StreamNlp__Logging__Format"] = "xml" }, verbose ? ["--verbose"] : []);

        var exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(60));

        output.WriteLine(child.Stderr);
        Assert.Equal(2, exitCode);
        var lines = Lines(child.Stderr);
        Assert.Equal("error: invalid configuration: StreamNlp:Logging:Format must be 'simple' or 'json' (was 'xml').", lines[0]);
        if (verbose)
        {
            Assert.Contains("   at ", child.Stderr, StringComparison.Ordinal);
        }
        else
        {
            Assert.Single(lines);
        }
    }

    [SkippableFact]
    public async Task Run_HttpPortInUse_ExitsTwoWithOneLineNamingTheSetting()
    {
        var cli = WorkerProcess.CliPath();
        Skip.If(cli is null, "the CLI is not built beside the tests (dotnet build StreamNlp.sln builds it)");
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var topics = TestTopics.Fresh();
        await broker.CreateTopicAsync(topics.Input, 1);
        using var child = WorkerProcess.Start(cli!, broker.BootstrapServers, topics, Models,
            new Dictionary<string, string> { ["StreamNlp__Http__Port"] = $"{port}" });

        var exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(120));

        output.WriteLine(child.Stderr);
        Assert.Equal(2, exitCode);
        var error = Assert.Single(Lines(child.Stderr), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains($"cannot listen on 127.0.0.1:{port} (StreamNlp:Http:Port", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", child.Stderr, StringComparison.Ordinal);
    }

    private static List<string> Lines(string text) => [.. text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0)];
}
