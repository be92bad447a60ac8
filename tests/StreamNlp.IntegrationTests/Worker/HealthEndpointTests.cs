using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StreamNlp.Http;
using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.IntegrationTests.Telemetry;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Worker;

/// <summary>The probes: /healthz (alive) and /readyz (models loaded, broker reachable, group joined), with reasons.</summary>
[Collection("kafka")]
public sealed class HealthEndpointTests(KafkaBrokerFixture broker, ITestOutputHelper output)
{
    [Fact]
    public async Task Readyz_WorkerJoinedItsGroup_Is200AndHealthz200()
    {
        var topics = TestTopics.Fresh();
        var port = FreePort.Next();
        await using var worker = await WorkerTestHost.StartAsync(broker, topics, new Dictionary<string, string?> { ["StreamNlp:Http:Port"] = $"{port}" });
        await worker.Host.Services.GetRequiredService<HttpEndpoint>().Started;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var ready = await PollAsync(http, "/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var live = await http.GetAsync(new Uri("/healthz", UriKind.Relative));

        output.WriteLine(ready.Body);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("ready", JsonDocument.Parse(ready.Body).RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Readyz_NoBroker_Is503NamingTheReason_HealthzStill200()
    {
        var topics = TestTopics.Fresh();
        var port = FreePort.Next();
        await using var worker = await WorkerTestHost.StartAsync(broker, topics, new Dictionary<string, string?>
        {
            ["StreamNlp:Http:Port"] = $"{port}",
            ["StreamNlp:Kafka:BootstrapServers"] = "127.0.0.1:9",
            ["StreamNlp:Kafka:CreateTopics"] = "false",
        });
        await worker.Host.Services.GetRequiredService<HttpEndpoint>().Started;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        // Give the client time to find out that no broker answers.
        var notReady = await PollAsync(http, "/readyz", HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30),
            body => body.Contains("no Kafka broker reachable", StringComparison.Ordinal));
        var live = await http.GetAsync(new Uri("/healthz", UriKind.Relative));

        output.WriteLine(notReady.Body);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.Status);
        var reasons = JsonDocument.Parse(notReady.Body).RootElement.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Contains("no Kafka broker reachable", reasons);
        Assert.Contains(reasons, r => r!.StartsWith("consumer group not joined", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Start_PortInUse_WorkerHostFailsNamingTheSetting()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var topics = TestTopics.Fresh();
        using var host = WorkerTestHost.Build(broker, topics, new Dictionary<string, string?> { ["StreamNlp:Http:Port"] = $"{port}" });
        try
        {
            await host.StartAsync();
        }
        catch (OperationCanceledException)
        {
            // the endpoint failed first and stopped the host while the worker was still starting (a race either way)
        }

        var endpoint = host.Services.GetRequiredService<HttpEndpoint>();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => endpoint.ExecuteTask!);
        await host.StopAsync();

        Assert.Contains("StreamNlp:Http:Port", error.Message, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string Body)> PollAsync(
        HttpClient http, string path, HttpStatusCode wanted, TimeSpan timeout, Func<string, bool>? also = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            if ((response.StatusCode == wanted && (also?.Invoke(body) ?? true)) || DateTime.UtcNow > deadline)
            {
                return (response.StatusCode, body);
            }

            await Task.Delay(200);
        }
    }
}
