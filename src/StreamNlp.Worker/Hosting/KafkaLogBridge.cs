using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace StreamNlp.Worker.Hosting;

/// <summary>
/// Routes librdkafka's own log lines, which it otherwise prints raw on stderr, into our logger:
/// errors and worse as warnings, the rest as debug. Every Kafka client the services build uses it.
/// </summary>
public static class KafkaLogBridge
{
    public static void Route(ILogger logger, LogMessage message) =>
        WorkerLog.Librdkafka(logger, message.Level <= SyslogLevel.Error ? LogLevel.Warning : LogLevel.Debug, message.Facility, message.Message);
}
