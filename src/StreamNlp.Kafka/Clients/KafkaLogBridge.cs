using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamNlp.Kafka.Configuration;

namespace StreamNlp.Kafka.Clients;

/// <summary>
/// Routes librdkafka's own log lines, which it otherwise prints raw on stderr, into our logger:
/// errors and worse as warnings, the rest as debug. Every Kafka client the services build uses it.
/// Warnings are rate-limited per client and facility (one line per 10 s, with the count held back):
/// without a broker librdkafka logs every reconnect attempt, tens of lines a second per client.
/// Every line passes through <see cref="KafkaSecrets.Redact"/> first, so no password gets out, whatever
/// librdkafka's debug contexts print.
/// </summary>
public static class KafkaLogBridge
{
    private static readonly ConcurrentDictionary<(string Client, string Facility), (long Last, int HeldBack)> Recent = new();

    public static void Route(ILogger logger, LogMessage message)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(message);
        if (message.Level > SyslogLevel.Error)
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                KafkaLog.Librdkafka(logger, LogLevel.Debug, message.Facility, KafkaSecrets.Redact(message.Message));
            }

            return;
        }

        var key = (message.Name, message.Facility);
        var now = Stopwatch.GetTimestamp();
        var held = 0;
        var emit = false;
        Recent.AddOrUpdate(
            key,
            _ =>
            {
                emit = true;
                return (now, 0);
            },
            (_, previous) =>
            {
                if (Stopwatch.GetElapsedTime(previous.Last, now) < BrokerConnectionMonitor.SummaryInterval)
                {
                    emit = false;
                    return (previous.Last, previous.HeldBack + 1);
                }

                emit = true;
                held = previous.HeldBack;
                return (now, 0);
            });
        if (emit)
        {
            var line = KafkaSecrets.Redact(message.Message);
            var text = held == 0 ? line : $"{line} ({held} similar lines held back in the last 10 s)";
            KafkaLog.Librdkafka(logger, LogLevel.Warning, message.Facility, text);
        }
    }
}
