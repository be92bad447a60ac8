using System.Collections.Concurrent;

namespace StreamNlp.Kafka.Configuration;

/// <summary>
/// Keeps Kafka secrets out of log lines. Every secret put into a client config is remembered here
/// (<see cref="Remember"/>), and every line that comes from librdkafka or its errors goes through
/// <see cref="Redact"/> before it reaches a logger, so a password echoed by a client never gets out.
/// </summary>
public static class KafkaSecrets
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "[redacted]";

    private static readonly ConcurrentDictionary<string, byte> Known = new(StringComparer.Ordinal);

    /// <summary>
    /// True for librdkafka properties that hold secrets (<c>sasl.password</c>, <c>ssl.key.password</c>,
    /// <c>sasl.oauthbearer.client.secret</c>, <c>ssl.key.pem</c>, …).
    /// </summary>
    public static bool IsSensitive(string key) =>
        key.Contains("password", StringComparison.OrdinalIgnoreCase)
        || key.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || key.Equals("sasl.oauthbearer.config", StringComparison.OrdinalIgnoreCase)
        || key.Equals("ssl.key.pem", StringComparison.OrdinalIgnoreCase);

    /// <summary>Remembers a secret so that <see cref="Redact"/> removes it from any later line.</summary>
    public static void Remember(string? secret)
    {
        if (!string.IsNullOrEmpty(secret))
        {
            Known.TryAdd(secret, 0);
        }
    }

    /// <summary><paramref name="text"/> with every remembered secret replaced by <see cref="Mask"/>.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text) || Known.IsEmpty)
        {
            return text ?? "";
        }

        foreach (var secret in Known.Keys)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
