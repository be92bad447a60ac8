using System.Runtime.InteropServices;
using StreamNlp.Kafka.Embedded;

namespace StreamNlp.Kafka.Configuration;

/// <summary>
/// Checks librdkafka client properties the way librdkafka itself will, without creating a client:
/// each key and value goes through <c>rd_kafka_conf_set</c> on a scratch configuration. An unknown key
/// or an invalid value is reported with librdkafka's own message, so a bad setting stops start-up
/// naming the key instead of failing later inside a worker.
/// </summary>
public static class LibRdKafkaConfigCheck
{
    /// <summary>Keys Confluent.Kafka handles itself and never passes to librdkafka.</summary>
    private const string DotnetPrefix = "dotnet.";

    /// <summary>One message per rejected property, each naming <paramref name="settingPrefix"/> plus the key.</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<KeyValuePair<string, string>> properties, string settingPrefix)
    {
        LibRdKafkaNative.EnsureLoaded();
        var problems = new List<string>();
        var conf = LibRdKafkaNative.rd_kafka_conf_new();
        try
        {
            foreach (var (key, value) in properties)
            {
                if (key.StartsWith(DotnetPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (Set(conf, key, value ?? "") is { } error)
                {
                    problems.Add($"{settingPrefix}{key}: {error}");
                }
            }
        }
        finally
        {
            LibRdKafkaNative.rd_kafka_conf_destroy(conf);
        }

        return problems;
    }

    private static unsafe string? Set(nint conf, string key, string value)
    {
        var buffer = stackalloc byte[LibRdKafkaNative.ErrorBufferSize];
        var result = LibRdKafkaNative.rd_kafka_conf_set(conf, key, value, buffer, LibRdKafkaNative.ErrorBufferSize);
        if (result == LibRdKafkaNative.ConfOk)
        {
            return null;
        }

        var message = Marshal.PtrToStringUTF8((nint)buffer);
        return string.IsNullOrWhiteSpace(message) ? $"rejected by librdkafka (code {result})" : message.Trim();
    }
}
