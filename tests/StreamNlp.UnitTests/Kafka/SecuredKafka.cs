using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Confluent.Kafka;
using StreamNlp.Kafka.Configuration;

namespace StreamNlp.UnitTests.Kafka;

/// <summary>Settings with every first-class security setting, and the check that a client config carries them.</summary>
internal static class SecuredKafka
{
    public const string Username = "streamnlp-svc";
    public const string Password = "s3cret-Pa55word-7f1c9e";

    public static KafkaOptions Options(string caLocation = "/etc/streamnlp/ca.pem", string bootstrap = "broker-1:9093") => new()
    {
        BootstrapServers = bootstrap,
        SecurityProtocol = "SASL_SSL",
        SaslMechanism = "SCRAM-SHA-512",
        SaslUsername = Username,
        SaslPassword = Password,
        SslCaLocation = caLocation,
    };

    /// <summary>The same settings as configuration keys (what appsettings.json or <c>StreamNlp__Kafka__…</c> give).</summary>
    public static Dictionary<string, string?> Configuration(string caLocation, string bootstrap = "broker-1:9093") => new()
    {
        ["StreamNlp:Kafka:BootstrapServers"] = bootstrap,
        ["StreamNlp:Kafka:SecurityProtocol"] = "SASL_SSL",
        ["StreamNlp:Kafka:SaslMechanism"] = "SCRAM-SHA-512",
        ["StreamNlp:Kafka:SaslUsername"] = Username,
        ["StreamNlp:Kafka:SaslPassword"] = Password,
        ["StreamNlp:Kafka:SslCaLocation"] = caLocation,
    };

    /// <summary>Asserts the librdkafka properties security.protocol, sasl.mechanism, sasl.username, sasl.password and ssl.ca.location.</summary>
    public static void AssertCarried(ClientConfig config, string caLocation = "/etc/streamnlp/ca.pem", string password = Password)
    {
        var properties = config.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var key in new[] { "security.protocol", "sasl.mechanism", "sasl.username", "sasl.password", "ssl.ca.location" })
        {
            Assert.True(properties.ContainsKey(key), $"{key} missing from {string.Join(", ", properties.Keys)}");
        }

        Assert.Equal(SecurityProtocol.SaslSsl, config.SecurityProtocol);
        Assert.Equal(SaslMechanism.ScramSha512, config.SaslMechanism);
        Assert.Equal(Username, properties["sasl.username"]);
        Assert.Equal(password, properties["sasl.password"]);
        Assert.Equal(caLocation, properties["ssl.ca.location"]);
    }

    /// <summary>Writes a self-signed CA certificate (PEM) that librdkafka can load as <c>ssl.ca.location</c>.</summary>
    public static void WriteCaCertificate(string path)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=streamnlp-test-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(path, certificate.ExportCertificatePem());
    }
}
