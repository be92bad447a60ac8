using StreamNlp.Kafka.Configuration;

namespace StreamNlp.UnitTests.Kafka.Configuration;

public sealed class KafkaOptionsTests
{
    [Fact]
    public void ToString_SecuredOptions_NamesSettingsButNoSecret()
    {
        var options = SecuredKafka.Options();
        options.SslKeyPassword = "key-Pa55-91a";
        options.Consumer["sasl.password"] = "extra-Pa55-77c";
        options.Producer["sasl.oauthbearer.client.secret"] = "client-secret-13f";
        options.Producer["linger.ms"] = "7";

        var text = options.ToString();

        Assert.Contains("security.protocol=SASL_SSL", text, StringComparison.Ordinal);
        Assert.Contains($"sasl.username={SecuredKafka.Username}", text, StringComparison.Ordinal);
        Assert.Contains("sasl.password=(set)", text, StringComparison.Ordinal);
        Assert.Contains("linger.ms=7", text, StringComparison.Ordinal);
        foreach (var secret in new[] { SecuredKafka.Password, "key-Pa55-91a", "extra-Pa55-77c", "client-secret-13f" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ToString_PasswordFile_ShowsThePathNotTheContent()
    {
        var options = new KafkaOptions { SaslPasswordFile = "/run/secrets/kafka-password" };

        Assert.Contains("sasl.password=(from file /run/secrets/kafka-password)", options.ToString(), StringComparison.Ordinal);
    }
}
