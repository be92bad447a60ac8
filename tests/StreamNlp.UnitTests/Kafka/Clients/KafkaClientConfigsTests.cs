using Confluent.Kafka;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;
using StreamNlp.UnitTests.Training;

namespace StreamNlp.UnitTests.Kafka.Clients;

public sealed class KafkaClientConfigsTests
{
    public static TheoryData<string> Roles => ["consumer", "producer", "admin"];

    private static ClientConfig Build(string role, KafkaOptions options) => role switch
    {
        "consumer" => KafkaClientConfigs.Consumer(options, "group-a", "test"),
        "producer" => KafkaClientConfigs.Producer(options, "test"),
        "admin" => KafkaClientConfigs.Admin(options, "test"),
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    [Theory]
    [MemberData(nameof(Roles))]
    public void Build_SecuredOptions_EveryRoleCarriesBrokersAndSecurity(string role)
    {
        var config = Build(role, SecuredKafka.Options());

        SecuredKafka.AssertCarried(config);
        Assert.Equal("broker-1:9093", config.BootstrapServers);
        Assert.Equal(KafkaClientConfigs.ClientId("test"), config.ClientId);
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public void Build_PlainOptions_SetsNoSecurityProperty(string role)
    {
        var config = Build(role, new KafkaOptions { BootstrapServers = "localhost:9092" });

        Assert.DoesNotContain(config, p => p.Key.StartsWith("sasl.", StringComparison.Ordinal) || p.Key.StartsWith("ssl.", StringComparison.Ordinal) || p.Key == "security.protocol");
    }

    [Fact]
    public void Build_MutualTlsOptions_CarriesCertificateKeyAndKeyPassword()
    {
        var options = new KafkaOptions
        {
            BootstrapServers = "b:9093",
            SecurityProtocol = "SSL",
            SslCaLocation = "/ca.pem",
            SslCertificateLocation = "/client.pem",
            SslKeyLocation = "/client.key",
            SslKeyPassword = "key-pass-31e",
        };

        var config = KafkaClientConfigs.Producer(options, "test");

        Assert.Equal(SecurityProtocol.Ssl, config.SecurityProtocol);
        Assert.Equal("/client.pem", config.SslCertificateLocation);
        Assert.Equal("/client.key", config.SslKeyLocation);
        Assert.Equal("key-pass-31e", config.SslKeyPassword);
    }

    [Theory]
    [InlineData("sasl_plaintext", "plain", SecurityProtocol.SaslPlaintext, SaslMechanism.Plain)]
    [InlineData("SaslSsl", "ScramSha256", SecurityProtocol.SaslSsl, SaslMechanism.ScramSha256)]
    [InlineData("SASL_SSL", "OAUTHBEARER", SecurityProtocol.SaslSsl, SaslMechanism.OAuthBearer)]
    public void Build_LibrdkafkaOrEnumSpelling_ReadsTheSameSetting(string protocol, string mechanism, SecurityProtocol expectedProtocol, SaslMechanism expectedMechanism)
    {
        var config = KafkaClientConfigs.Consumer(new KafkaOptions { BootstrapServers = "b:1", SecurityProtocol = protocol, SaslMechanism = mechanism }, "g", "test");

        Assert.Equal(expectedProtocol, config.SecurityProtocol);
        Assert.Equal(expectedMechanism, config.SaslMechanism);
    }

    [Fact]
    public void Consumer_ExtraProperties_AppliedAfterRoleAndCallerSettings()
    {
        var options = SecuredKafka.Options();
        options.Consumer["enable.auto.commit"] = "true";
        options.Consumer["sasl.username"] = "override-user";

        var config = KafkaClientConfigs.Consumer(options, "g", "test", c => c.EnableAutoCommit = false);

        Assert.True(config.EnableAutoCommit);
        Assert.Equal("override-user", config.SaslUsername);
    }

    [Fact]
    public void Admin_AdminExtras_AppliedOnlyToAdminClients()
    {
        var options = new KafkaOptions { BootstrapServers = "b:1", Admin = new() { ["socket.timeout.ms"] = "1234" } };

        Assert.Equal(1234, KafkaClientConfigs.Admin(options, "test").SocketTimeoutMs);
        Assert.Null(KafkaClientConfigs.Producer(options, "test").SocketTimeoutMs);
    }

    [Fact]
    public void Producer_PasswordFile_PasswordReadFromFileWithoutTrailingLineBreak()
    {
        using var file = new TemporaryFile("from-file-Pa55\n");
        var options = SecuredKafka.Options();
        options.SaslPassword = null;
        options.SaslPasswordFile = file.Path;

        var config = KafkaClientConfigs.Producer(options, "test");

        SecuredKafka.AssertCarried(config, password: "from-file-Pa55");
    }

    [Fact]
    public void Consumer_PasswordFileRewritten_NextClientGetsTheNewPassword()
    {
        using var file = new TemporaryFile("first-Pa55");
        var options = new KafkaOptions { BootstrapServers = "b:1", SecurityProtocol = "SASL_SSL", SaslMechanism = "PLAIN", SaslUsername = "u", SaslPasswordFile = file.Path };
        Assert.Equal("first-Pa55", KafkaClientConfigs.Consumer(options, "g", "test").SaslPassword);

        File.WriteAllText(file.Path, "rotated-Pa55\r\n");

        Assert.Equal("rotated-Pa55", KafkaClientConfigs.Consumer(options, "g", "test").SaslPassword);
    }

    [Fact]
    public void Producer_NoBootstrapServers_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => KafkaClientConfigs.Producer(new KafkaOptions(), "test"));

        Assert.Contains("StreamNlp:Kafka:BootstrapServers", error.Message);
    }

    [Fact]
    public void MaxMessageBytes_ConfiguredOrDefault()
    {
        Assert.Equal(KafkaClientConfigs.DefaultMaxMessageBytes, KafkaClientConfigs.MaxMessageBytes(new KafkaOptions()));
        Assert.Equal(2_000_000, KafkaClientConfigs.MaxMessageBytes(new KafkaOptions { Producer = new() { ["message.max.bytes"] = "2000000" } }));
    }
}
