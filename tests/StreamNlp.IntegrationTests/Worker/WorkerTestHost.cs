using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.Retrainer.Hosting;
using StreamNlp.Worker.Hosting;

namespace StreamNlp.IntegrationTests.Worker;

/// <summary>A real host running the enrichment worker against the test broker, on fresh topics and group.</summary>
internal sealed class WorkerTestHost : IAsyncDisposable
{
    private WorkerTestHost(IHost host, TestTopics topics)
    {
        Host = host;
        Topics = topics;
    }

    /// <summary>One registry per test run, seeded from the shipped models (tests never touch the user's registry).</summary>
    private static readonly string SharedModels = Path.Combine(Path.GetTempPath(), $"streamnlp-test-models-{Environment.ProcessId}");

    public IHost Host { get; }

    public TestTopics Topics { get; }

    public EnrichmentWorker Worker => Host.Services.GetRequiredService<EnrichmentWorker>();

    /// <param name="configure">Adds more services to the host (e.g. the labelling page) after the worker's.</param>
    public static IHost Build(
        KafkaBrokerFixture broker, TestTopics topics, IDictionary<string, string?>? settings = null, bool withRetrainer = false,
        Action<IHostApplicationBuilder>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
            DisableDefaults = true,
        });
        var values = new Dictionary<string, string?>
        {
            ["StreamNlp:Kafka:BootstrapServers"] = broker.BootstrapServers,
            ["StreamNlp:Kafka:InputTopics:0"] = topics.Input,
            ["StreamNlp:Kafka:OutputTopic"] = topics.Output,
            ["StreamNlp:Kafka:DeadLetterTopic"] = topics.DeadLetter,
            ["StreamNlp:Kafka:GroupId"] = topics.Group,
            ["StreamNlp:Kafka:FeedbackTopic"] = topics.Feedback,
            ["StreamNlp:Kafka:ModelsTopic"] = topics.Models,
            ["StreamNlp:Kafka:ReviewTopic"] = topics.Review,
            ["StreamNlp:Retrainer:GroupId"] = topics.Group + "-retrainer",
            ["StreamNlp:Kafka:Partitions"] = "3",
            ["StreamNlp:Models:Directory"] = SharedModels,
            ["StreamNlp:Batching:MaxWaitMs"] = "10",
            ["StreamNlp:Retry:BaseDelayMs"] = "10",
            ["StreamNlp:Http:Port"] = "0", // several hosts run at once; HealthEndpointTests opens one on a free port
        };
        if (broker.Embedded is not null)
        {
            // The mock broker makes a group's next member wait session.timeout.ms − 1 s after the last left.
            values["StreamNlp:Kafka:Consumer:session.timeout.ms"] = "2000";
            values["StreamNlp:Kafka:Consumer:heartbeat.interval.ms"] = "500";
            builder.Services.AddSingleton(broker.Embedded);
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.AddEnrichmentWorker();
        if (withRetrainer)
        {
            builder.AddRetrainer();
        }

        configure?.Invoke(builder);
        return builder.Build();
    }

    public static async Task<WorkerTestHost> StartAsync(
        KafkaBrokerFixture broker, TestTopics topics, IDictionary<string, string?>? settings = null, bool withRetrainer = false,
        Action<IHostApplicationBuilder>? configure = null)
    {
        var host = Build(broker, topics, settings, withRetrainer, configure);
        await host.StartAsync();
        return new WorkerTestHost(host, topics);
    }

    public async Task StopAsync() => await Host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}
