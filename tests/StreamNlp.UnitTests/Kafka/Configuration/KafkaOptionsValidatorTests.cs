using StreamNlp.Kafka.Configuration;

namespace StreamNlp.UnitTests.Kafka.Configuration;

public sealed class KafkaOptionsValidatorTests
{
    private static readonly KafkaOptionsValidator Validator = new();

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var options = new KafkaOptions();

        Assert.True(Validator.Validate(null, options).Succeeded);
        Assert.Equal(["nlp.input"], options.EffectiveInputTopics);
    }

    [Fact]
    public void Validate_OutputTopicIsInput_FailsNamingSetting()
    {
        var result = Validator.Validate(null, new KafkaOptions { InputTopics = ["a"], OutputTopic = "a" });

        Assert.True(result.Failed);
        Assert.Contains("StreamNlp:Kafka:OutputTopic", result.FailureMessage);
    }

    [Fact]
    public void Validate_DeadLetterEqualsOutput_Fails()
    {
        var result = Validator.Validate(null, new KafkaOptions { OutputTopic = "x", DeadLetterTopic = "x" });

        Assert.Contains("StreamNlp:Kafka:DeadLetterTopic", result.FailureMessage);
    }

    [Fact]
    public void Validate_BlankBootstrap_Fails()
    {
        var result = Validator.Validate(null, new KafkaOptions { BootstrapServers = "  " });

        Assert.Contains("StreamNlp:Kafka:BootstrapServers", result.FailureMessage);
    }

    [Fact]
    public void Validate_UnknownLibrdkafkaKey_FailsNamingIt()
    {
        var result = Validator.Validate(null, new KafkaOptions { Consumer = new() { ["no.such.property"] = "1" } });

        Assert.True(result.Failed);
        Assert.Contains("StreamNlp:Kafka:Consumer:no.such.property", result.FailureMessage);
    }

    [Fact]
    public void Validate_InvalidLibrdkafkaValue_FailsNamingIt()
    {
        var result = Validator.Validate(null, new KafkaOptions { Producer = new() { ["security.protocol"] = "carrier-pigeon" } });

        Assert.True(result.Failed);
        Assert.Contains("StreamNlp:Kafka:Producer:security.protocol", result.FailureMessage);
    }

    [Fact]
    public void Validate_KnownLibrdkafkaKeys_Succeed()
    {
        var options = new KafkaOptions
        {
            Consumer = new() { ["fetch.wait.max.ms"] = "10", ["dotnet.cancellation.delay.max.ms"] = "50" },
            Producer = new() { ["linger.ms"] = "2" },
        };

        Assert.True(Validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_BlankGroupInstanceId_Fails()
    {
        var result = Validator.Validate(null, new KafkaOptions { GroupInstanceId = " " });

        Assert.Contains("StreamNlp:Kafka:GroupInstanceId", result.FailureMessage);
    }
}
