using StreamNlp.Kafka.Configuration;
using StreamNlp.UnitTests.Training;

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

    [Fact]
    public void Validate_UnknownAdminKey_FailsNamingIt()
    {
        var result = Validator.Validate(null, new KafkaOptions { Admin = new() { ["no.such.property"] = "1" } });

        Assert.Contains("StreamNlp:Kafka:Admin:no.such.property", result.FailureMessage);
    }

    [Fact]
    public void Validate_SecuredSettingsWithExistingFiles_Succeed()
    {
        using var ca = new TemporaryFile("", ".pem");
        using var certificate = new TemporaryFile("", ".pem");
        using var key = new TemporaryFile("", ".key");
        using var password = new TemporaryFile("file-Pa55\n");
        var options = SecuredKafka.Options(ca.Path);
        options.SaslPassword = null;
        options.SaslPasswordFile = password.Path;
        options.SslCertificateLocation = certificate.Path;
        options.SslKeyLocation = key.Path;
        options.SslKeyPassword = "key-pass";

        var result = Validator.Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_UnknownSecurityProtocol_FailsNamingIt()
    {
        var result = Validator.Validate(null, new KafkaOptions { SecurityProtocol = "SASL_TLS" });

        Assert.Contains("StreamNlp:Kafka:SecurityProtocol 'SASL_TLS'", result.FailureMessage);
    }

    [Fact]
    public void Validate_UnknownSaslMechanism_FailsNamingIt()
    {
        var result = Validator.Validate(null, new KafkaOptions { SecurityProtocol = "SASL_SSL", SaslMechanism = "SCRAM-SHA-1", SaslUsername = "u", SaslPassword = "p" });

        Assert.Contains("StreamNlp:Kafka:SaslMechanism 'SCRAM-SHA-1'", result.FailureMessage);
    }

    [Fact]
    public void Validate_SaslMechanismWithoutUsername_FailsNamingSaslUsername()
    {
        var result = Validator.Validate(null, new KafkaOptions { SecurityProtocol = "SASL_PLAINTEXT", SaslMechanism = "PLAIN", SaslPassword = SecuredKafka.Password });

        Assert.True(result.Failed);
        Assert.Contains("StreamNlp:Kafka:SaslUsername", result.FailureMessage);
        Assert.DoesNotContain(SecuredKafka.Password, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SaslMechanismWithoutPassword_FailsNamingBothPasswordSettings()
    {
        var result = Validator.Validate(null, new KafkaOptions { SecurityProtocol = "SASL_SSL", SaslMechanism = "SCRAM-SHA-256", SaslUsername = "u" });

        Assert.Contains("StreamNlp:Kafka:SaslPassword or StreamNlp:Kafka:SaslPasswordFile", result.FailureMessage);
    }

    [Fact]
    public void Validate_SaslProtocolWithoutMechanism_FailsNamingSaslMechanism()
    {
        var result = Validator.Validate(null, new KafkaOptions { SecurityProtocol = "SASL_SSL" });

        Assert.Contains("StreamNlp:Kafka:SaslMechanism", result.FailureMessage);
    }

    [Fact]
    public void Validate_SaslMechanismOnPlaintext_FailsNamingSecurityProtocol()
    {
        var result = Validator.Validate(null, new KafkaOptions { SaslMechanism = "PLAIN", SaslUsername = "u", SaslPassword = "p" });

        Assert.Contains("StreamNlp:Kafka:SecurityProtocol is unset (PLAINTEXT)", result.FailureMessage);
    }

    [Fact]
    public void Validate_PasswordAndPasswordFile_FailsNamingBoth()
    {
        using var password = new TemporaryFile("p");
        var options = SecuredKafka.Options("probe");
        options.SaslPasswordFile = password.Path;

        var result = Validator.Validate(null, options);

        Assert.Contains("StreamNlp:Kafka:SaslPassword and StreamNlp:Kafka:SaslPasswordFile are both set", result.FailureMessage);
    }

    [Fact]
    public void Validate_MissingPasswordFile_FailsNamingSaslPasswordFile()
    {
        var options = SecuredKafka.Options("probe");
        options.SaslPassword = null;
        options.SaslPasswordFile = "/no/such/kafka-password";

        var result = Validator.Validate(null, options);

        Assert.Contains("StreamNlp:Kafka:SaslPasswordFile '/no/such/kafka-password': no such file", result.FailureMessage);
    }

    [Fact]
    public void Validate_EmptyPasswordFile_FailsNamingSaslPasswordFile()
    {
        using var password = new TemporaryFile("\n");
        var options = SecuredKafka.Options("probe");
        options.SaslPassword = null;
        options.SaslPasswordFile = password.Path;

        Assert.Contains("StreamNlp:Kafka:SaslPasswordFile", Validator.Validate(null, options).FailureMessage);
    }

    [Theory]
    [InlineData("SslCaLocation")]
    [InlineData("SslCertificateLocation")]
    [InlineData("SslKeyLocation")]
    public void Validate_MissingTlsFile_FailsNamingTheSetting(string setting)
    {
        using var existing = new TemporaryFile("", ".pem");
        var options = new KafkaOptions
        {
            SecurityProtocol = "SSL",
            SslCaLocation = existing.Path,
            SslCertificateLocation = existing.Path,
            SslKeyLocation = existing.Path,
        };
        typeof(KafkaOptions).GetProperty(setting)!.SetValue(options, "/no/such/file.pem");

        var result = Validator.Validate(null, options);

        Assert.Contains($"StreamNlp:Kafka:{setting} '/no/such/file.pem': no such file", result.FailureMessage);
    }

    [Fact]
    public void Validate_ProbeCaLocation_Succeeds()
    {
        Assert.True(Validator.Validate(null, new KafkaOptions { SecurityProtocol = "SSL", SslCaLocation = "probe" }).Succeeded);
    }

    [Fact]
    public void Validate_CertificateWithoutKey_FailsNamingBoth()
    {
        using var certificate = new TemporaryFile("", ".pem");
        var result = Validator.Validate(null, new KafkaOptions { SecurityProtocol = "SSL", SslCertificateLocation = certificate.Path });

        Assert.Contains("StreamNlp:Kafka:SslCertificateLocation and StreamNlp:Kafka:SslKeyLocation go together", result.FailureMessage);
    }

    [Fact]
    public void Validate_TlsFileOnSaslPlaintext_FailsNamingSecurityProtocol()
    {
        var result = Validator.Validate(null, new KafkaOptions { SecurityProtocol = "SASL_PLAINTEXT", SaslMechanism = "PLAIN", SaslUsername = "u", SaslPassword = "p", SslCaLocation = "probe" });

        Assert.Contains("StreamNlp:Kafka:SslCaLocation is set but StreamNlp:Kafka:SecurityProtocol is SASL_PLAINTEXT", result.FailureMessage);
    }
}
