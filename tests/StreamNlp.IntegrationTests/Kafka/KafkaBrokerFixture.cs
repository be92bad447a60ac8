using Microsoft.Extensions.Logging.Abstractions;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Kafka.Embedded;
using StreamNlp.Kafka.Topics;
using Testcontainers.Kafka;

namespace StreamNlp.IntegrationTests.Kafka;

/// <summary>
/// A Kafka broker for tests: real Apache Kafka through Testcontainers when a Docker engine answers,
/// otherwise the embedded librdkafka mock cluster (1 broker). Set <c>STREAMNLP_KAFKA_TESTS=embedded</c>
/// to force the embedded cluster.
/// </summary>
public sealed class KafkaBrokerFixture : IAsyncLifetime, IAsyncDisposable
{
    public const string EmbeddedKind = "embedded librdkafka mock cluster";
    public const string ContainerKind = "Apache Kafka (Testcontainers)";

    private const string KafkaImage = "apache/kafka:4.1.0";
    private static readonly TimeSpan ContainerStartTimeout = TimeSpan.FromMinutes(3);

    private KafkaContainer? _container;

    public string BootstrapServers { get; private set; } = "";

    public string BrokerKind { get; private set; } = "";

    /// <summary>The embedded cluster, or null when the broker is a real Kafka.</summary>
    public EmbeddedKafkaCluster? Embedded { get; private set; }

    /// <summary>Why the real broker was not used, when it was not.</summary>
    public string? FallbackReason { get; private set; }

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("STREAMNLP_KAFKA_TESTS") == "embedded")
        {
            FallbackReason = "STREAMNLP_KAFKA_TESTS=embedded";
        }
        else if (!DockerMayAnswer())
        {
            FallbackReason = "no Docker engine (no DOCKER_HOST, no docker.sock)";
        }
        else if (await TryStartContainerAsync())
        {
            return;
        }

        Embedded = EmbeddedKafkaCluster.Start();
        BootstrapServers = Embedded.BootstrapServers;
        BrokerKind = EmbeddedKind;
    }

    /// <summary>A fixture on its own embedded cluster of <paramref name="brokers"/> brokers (fault injection needs several).</summary>
    public static KafkaBrokerFixture StartEmbedded(int brokers)
    {
        var embedded = EmbeddedKafkaCluster.Start(brokers);
        return new KafkaBrokerFixture
        {
            Embedded = embedded,
            BootstrapServers = embedded.BootstrapServers,
            BrokerKind = $"{EmbeddedKind} ({brokers} brokers)",
            FallbackReason = "fault injection needs the mock cluster",
        };
    }

    /// <summary>Settings for clients of this broker (plaintext, as both the mock and the test container speak).</summary>
    public KafkaOptions Options => new() { BootstrapServers = BootstrapServers };

    public Task CreateTopicAsync(string name, int partitions) =>
        TopicProvisioner.EnsureTopicsAsync(Options, [new TopicSpec(name, partitions)], Embedded, NullLogger.Instance, CancellationToken.None);

    /// <summary>One line for test output: which broker, where, and why not Docker.</summary>
    public string Describe() =>
        $"Broker: {BrokerKind} at {BootstrapServers}" +
        (Embedded is null ? "" : $" (librdkafka: {EmbeddedKafkaCluster.NativeLibraryPath}; {FallbackReason})");

    /// <summary>For a fixture a test starts itself (<see cref="StartEmbedded"/>): <c>await using</c>.</summary>
    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public async Task DisposeAsync()
    {
        Embedded?.Dispose();
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    private static bool DockerMayAnswer() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"))
        || File.Exists("/var/run/docker.sock")
        || File.Exists(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker", "run", "docker.sock"))
        || OperatingSystem.IsWindows();

    private async Task<bool> TryStartContainerAsync()
    {
        try
        {
            _container = new KafkaBuilder(KafkaImage).Build();
            using var timeout = new CancellationTokenSource(ContainerStartTimeout);
            await _container.StartAsync(timeout.Token);
            BootstrapServers = _container.GetBootstrapAddress();
            BrokerKind = ContainerKind;
            return true;
        }
#pragma warning disable CA1031 // Any failure to start Docker/Kafka means: use the embedded cluster.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            FallbackReason = $"Testcontainers failed: {ex.GetType().Name}: {ex.Message}";
            if (_container is not null)
            {
                await _container.DisposeAsync();
                _container = null;
            }

            return false;
        }
    }
}
