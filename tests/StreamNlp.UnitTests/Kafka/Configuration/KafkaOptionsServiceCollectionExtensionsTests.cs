using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamNlp.Kafka.Configuration;

namespace StreamNlp.UnitTests.Kafka.Configuration;

public sealed class KafkaOptionsServiceCollectionExtensionsTests
{
    private static KafkaOptions Resolve(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddKafkaOptions();
        services.AddKafkaOptions(); // the worker and the retrainer both register: no duplicate validation
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<KafkaOptions>>().Value;
    }

    private static IConfiguration Memory(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Theory]
    [InlineData("0")]
    [InlineData("33")]
    public void AddKafkaOptions_ReplicationFactorOutOfRange_FailsNamingIt(string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(Memory(new() { ["StreamNlp:Kafka:ReplicationFactor"] = value })));

        Assert.Single(error.Failures);
        Assert.Contains("StreamNlp:Kafka:ReplicationFactor must be between 1 and 32", error.Message);
    }

    [Fact]
    public void AddKafkaOptions_DefaultReplicationFactor_IsOne()
    {
        Assert.Equal(1, Resolve(Memory([])).ReplicationFactor);
    }

    [Fact]
    public void AddKafkaOptions_SecuritySettingsFromConfiguration_Bound()
    {
        var options = Resolve(Memory(SecuredKafka.Configuration("probe")));

        Assert.Equal("SASL_SSL", options.SecurityProtocol);
        Assert.Equal(SecuredKafka.Password, options.SaslPassword);
        Assert.Equal("probe", options.SslCaLocation);
    }

    [Fact]
    public void AddKafkaOptions_PasswordFromEnvironmentVariable_Bound()
    {
        // StreamNlp__Kafka__SaslPassword, under a prefix of this test's own so no other test sees it.
        var prefix = $"STREAMNLP_TEST_{Guid.NewGuid():N}_";
        var values = SecuredKafka.Configuration("probe");
        values.Remove("StreamNlp:Kafka:SaslPassword");
        Environment.SetEnvironmentVariable(prefix + "StreamNlp__Kafka__SaslPassword", "env-Pa55-d41");
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).AddEnvironmentVariables(prefix).Build();

            Assert.Equal("env-Pa55-d41", Resolve(configuration).SaslPassword);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "StreamNlp__Kafka__SaslPassword", null);
        }
    }

    [Fact]
    public void AddKafkaOptions_SaslWithoutUsername_FailsAtResolveNamingIt()
    {
        var values = SecuredKafka.Configuration("probe");
        values.Remove("StreamNlp:Kafka:SaslUsername");

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(Memory(values)));

        Assert.Contains("StreamNlp:Kafka:SaslUsername", error.Message);
        Assert.DoesNotContain(SecuredKafka.Password, error.Message, StringComparison.Ordinal);
    }
}
