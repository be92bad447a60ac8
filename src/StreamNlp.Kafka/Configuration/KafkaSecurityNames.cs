using Confluent.Kafka;

namespace StreamNlp.Kafka.Configuration;

/// <summary>
/// Reads <see cref="KafkaOptions.SecurityProtocol"/> and <see cref="KafkaOptions.SaslMechanism"/> as
/// librdkafka spells them (<c>SASL_SSL</c>, <c>SCRAM-SHA-512</c>) or as Confluent.Kafka's enums do
/// (<c>SaslSsl</c>, <c>ScramSha512</c>), case-insensitively.
/// </summary>
public static class KafkaSecurityNames
{
    public const string Protocols = "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL";
    public const string Mechanisms = "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or GSSAPI";

    public static bool TryParseProtocol(string? name, out SecurityProtocol protocol) => TryParse(name, out protocol);

    public static bool TryParseMechanism(string? name, out SaslMechanism mechanism) => TryParse(name, out mechanism);

    /// <summary>The protocol in effect: the parsed setting, or PLAINTEXT when unset or unreadable (the validator reports the latter).</summary>
    public static SecurityProtocol EffectiveProtocol(KafkaOptions options) =>
        TryParseProtocol(options.SecurityProtocol, out var protocol) ? protocol : SecurityProtocol.Plaintext;

    public static bool IsSasl(SecurityProtocol protocol) => protocol is SecurityProtocol.SaslPlaintext or SecurityProtocol.SaslSsl;

    public static bool IsSsl(SecurityProtocol protocol) => protocol is SecurityProtocol.Ssl or SecurityProtocol.SaslSsl;

    /// <summary>True for the mechanisms that authenticate with a user name and password.</summary>
    public static bool NeedsCredentials(SaslMechanism mechanism) =>
        mechanism is SaslMechanism.Plain or SaslMechanism.ScramSha256 or SaslMechanism.ScramSha512;

    private static bool TryParse<T>(string? name, out T value)
        where T : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        var squeezed = name.Trim().Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(candidate.ToString(), squeezed, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        return false;
    }
}
