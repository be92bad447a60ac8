using Confluent.Kafka;
using Microsoft.Extensions.Options;
using StreamNlp.Cli.Commands;
using StreamNlp.Kafka.ModelUpdates;
using StreamNlp.UnitTests.Kafka;
using StreamNlp.UnitTests.Training;

namespace StreamNlp.UnitTests.Cli.Commands;

public sealed class CliKafkaTests
{
    private static readonly string NoBootstrapFile = Path.Combine(Path.GetTempPath(), $"streamnlp-none-{Guid.NewGuid():N}");

    [Fact]
    public void Load_SecuredConfiguration_EveryCliClientCarriesIt()
    {
        using var ca = new TemporaryFile("", ".pem");
        using var kafka = CliKafka.Load(null, NoBootstrapFile, overrides: SecuredKafka.Configuration(ca.Path))!;

        ClientConfig[] configs =
        [
            ProduceCommand.ProducerConfig(kafka.Options),
            ConsumeCommand.ConsumerConfig(kafka.Options),
            LabelCommand.ReviewConsumerConfig(kafka.Options, "streamnlp-labelers"),
            LabelCommand.FeedbackProducerConfig(kafka.Options),
            ModelUpdatePublisher.ProducerConfig(kafka.Options), // models promote / rollback
            BenchCommand.ReaderConfig(kafka.Options),
            BenchCommand.WriterConfig(kafka.Options),
        ];

        Assert.All(configs, c => SecuredKafka.AssertCarried(c, ca.Path));
        Assert.All(configs, c => Assert.Equal("broker-1:9093", c.BootstrapServers));
    }

    [Fact]
    public void Load_ExplicitBootstrap_WinsOverTheConfiguredOne()
    {
        using var kafka = CliKafka.Load("explicit:9092", NoBootstrapFile, overrides: new Dictionary<string, string?> { ["StreamNlp:Kafka:BootstrapServers"] = "configured:9092" })!;

        Assert.Equal("explicit:9092", kafka.BootstrapServers);
    }

    [Fact]
    public void Load_NothingConfigured_UsesTheBootstrapFile()
    {
        using var file = new TemporaryFile("from-file:9092\n");

        using var kafka = CliKafka.Load(null, file.Path)!;

        Assert.Equal("from-file:9092", kafka.BootstrapServers);
    }

    [Fact]
    public void Load_NoBrokerKnownAndNotRequired_ReturnsNull()
    {
        Assert.Null(CliKafka.Load(null, NoBootstrapFile, required: false));
    }

    [Fact]
    public void Load_BadSecuritySetting_FailsNamingIt()
    {
        var values = SecuredKafka.Configuration("/no/such/ca.pem");

        var error = Assert.Throws<OptionsValidationException>(() => CliKafka.Load(null, NoBootstrapFile, overrides: values));

        Assert.Contains("StreamNlp:Kafka:SslCaLocation", error.Message);
        Assert.DoesNotContain(SecuredKafka.Password, error.Message, StringComparison.Ordinal);
    }
}
