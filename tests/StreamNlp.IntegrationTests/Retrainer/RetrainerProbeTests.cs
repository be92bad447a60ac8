using System.Globalization;
using System.Net;
using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.IntegrationTests.Telemetry;
using StreamNlp.IntegrationTests.Worker;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Retrainer;

/// <summary><c>streamnlp retrainer</c> alone (its own process, as in a Kubernetes Deployment) answers the probes.</summary>
[Collection("kafka")]
public sealed class RetrainerProbeTests(KafkaBrokerFixture broker, ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"retrainer-probes-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Retrainer_Alone_ReadyzTurns200OnceItsGroupIsJoined_HealthzIsUp()
    {
        var cli = WorkerProcess.CliPath();
        Skip.If(cli is null, "the CLI is not built beside the tests (dotnet build StreamNlp.sln builds it)");
        var topics = TestTopics.Fresh();
        foreach (var topic in new[] { topics.Feedback, topics.DeadLetter, topics.Models })
        {
            await broker.CreateTopicAsync(topic, 1);
        }

        var port = FreePort.Next();
        Directory.CreateDirectory(_root);
        using var child = WorkerProcess.StartCommand(cli!,
            ["retrainer", "--bootstrap", broker.BootstrapServers, "--models", Path.Combine(_root, "models"), "--feedback-db", Path.Combine(_root, "feedback.db"),
             "--http-port", port.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string>
            {
                ["StreamNlp__Kafka__CreateTopics"] = "false", // a mock cluster owned by another process answers no admin requests
                ["StreamNlp__Kafka__FeedbackTopic"] = topics.Feedback,
                ["StreamNlp__Kafka__DeadLetterTopic"] = topics.DeadLetter,
                ["StreamNlp__Kafka__ModelsTopic"] = topics.Models,
                ["StreamNlp__Retrainer__GroupId"] = topics.Group + "-retrainer",
                ["StreamNlp__Kafka__Consumer__session.timeout.ms"] = "2000",
                ["StreamNlp__Kafka__Consumer__heartbeat.interval.ms"] = "500",
            });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var ready = HttpStatusCode.ServiceUnavailable;
            var body = "";
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (DateTime.UtcNow < deadline && ready != HttpStatusCode.OK && !child.HasExited)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
                    ready = response.StatusCode;
                    body = await response.Content.ReadAsStringAsync();
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }

                await Task.Delay(500);
            }

            output.WriteLine(body);
            Assert.Equal(HttpStatusCode.OK, ready);
            Assert.Contains("\"ready\"", body, StringComparison.Ordinal);
            using var live = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            output.WriteLine(child.Stderr);
            Assert.Equal(0, await child.TerminateAsync(TimeSpan.FromSeconds(60)));
        }
    }
}
