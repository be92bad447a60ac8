using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StreamNlp.Core.Contracts;
using StreamNlp.Http;
using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.IntegrationTests.Telemetry;
using StreamNlp.IntegrationTests.Worker;
using StreamNlp.Labeling.Hosting;

namespace StreamNlp.IntegrationTests.Labeling;

/// <summary>
/// The labelling page alone (what <c>streamnlp ui</c> runs) on the real shared HTTP host, on a free port, against
/// the test broker with fresh topics and group; the registry is the models shipped with the tests.
/// </summary>
internal sealed class LabelingTestHost : IAsyncDisposable
{
    private LabelingTestHost(IHost host, TestTopics topics, HttpClient http, string bootstrap)
    {
        Host = host;
        Topics = topics;
        Http = http;
        Bootstrap = bootstrap;
    }

    public IHost Host { get; }

    public TestTopics Topics { get; }

    public HttpClient Http { get; }

    public string Bootstrap { get; }

    public static async Task<LabelingTestHost> StartAsync(KafkaBrokerFixture broker, IDictionary<string, string?>? settings = null)
    {
        var topics = TestTopics.Fresh();
        var port = FreePort.Next();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
            DisableDefaults = true,
        });
        var values = new Dictionary<string, string?>
        {
            ["StreamNlp:Kafka:BootstrapServers"] = broker.BootstrapServers,
            ["StreamNlp:Kafka:ReviewTopic"] = topics.Review,
            ["StreamNlp:Kafka:FeedbackTopic"] = topics.Feedback,
            ["StreamNlp:Labeling:GroupId"] = topics.Group + "-labeling",
            ["StreamNlp:Models:Directory"] = Path.Combine(AppContext.BaseDirectory, "models"),
            ["StreamNlp:Retrainer:DatabasePath"] = Path.Combine(Path.GetTempPath(), $"streamnlp-labeling-{topics.Group}.db"), // = DatabasePath
            ["StreamNlp:Http:Port"] = $"{port}",
        };
        if (broker.Embedded is not null)
        {
            values["StreamNlp:Kafka:Consumer:session.timeout.ms"] = "2000";
            values["StreamNlp:Kafka:Consumer:heartbeat.interval.ms"] = "500";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.AddLabeling();
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<HttpEndpoint>().Started;
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        return new LabelingTestHost(host, topics, http, values["StreamNlp:Kafka:BootstrapServers"]!);
    }

    /// <summary>The retrainer store the page reads decisions from (the test writes it; it is deleted at the end).</summary>
    public string DatabasePath => Path.Combine(Path.GetTempPath(), $"streamnlp-labeling-{Topics.Group}.db");

    /// <summary>Puts review items on the review topic, as the worker would.</summary>
    public Task ProduceReviewAsync(params ReviewItem[] items) =>
        TopicClient.ProduceAsync(Bootstrap, Topics.Review, items.Select(i => ((string?)i.Id, (byte[]?)JsonSerializer.SerializeToUtf8Bytes(i, ContractsJsonContext.Default.ReviewItem))));

    public static ReviewItem Item(string id, string task = "classification", string? text = null) => new()
    {
        Id = id,
        Task = task,
        Text = text ?? $"Text number {id} about markets and football.",
        Prediction = task == "ner" ? null : new LabelPrediction("business", 0.41f, new Dictionary<string, float> { ["business"] = 0.41f, ["sports"] = 0.39f }),
        Entities = task == "ner" ? [new EntityMention("Text", "MISC", 0, 4, 0.4f)] : null,
        Confidence = 0.41f,
        ModelVersion = "v1",
        Source = new SourceCoordinates("nlp.input", 0, 0),
    };

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? annotator = "alice", string? json = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (annotator is not null)
        {
            request.Headers.Add("X-Annotator", annotator);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        return await Http.SendAsync(request);
    }

    /// <summary>Polls <c>GET /api/review</c> (as a throw-away annotator, task filter none) until <paramref name="count"/> items wait.</summary>
    public async Task WaitForWaitingAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await SendAsync(HttpMethod.Get, "/api/review?limit=1", annotator: "probe");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (body.GetProperty("waiting").GetInt32() >= count)
            {
                // the probe's lease would hide one item from the others: give it back
                foreach (var item in body.GetProperty("items").EnumerateArray())
                {
                    (await SendAsync(HttpMethod.Post, $"/api/review/{item.GetProperty("reviewId").GetString()}/skip", annotator: "probe")).Dispose();
                }

                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"only {body.GetProperty("waiting").GetInt32()} of {count} review items arrived within {timeout}");
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.StopAsync();
        Host.Dispose();
        foreach (var file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
        {
            File.Delete(file);
        }
    }
}
