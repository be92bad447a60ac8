using StreamNlp.Worker.Configuration;

namespace StreamNlp.UnitTests.Worker.Configuration;

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
}
