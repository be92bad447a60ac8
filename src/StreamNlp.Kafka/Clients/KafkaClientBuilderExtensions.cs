using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace StreamNlp.Kafka.Clients;

/// <summary>Routes a client's librdkafka log (otherwise printed raw on stderr) through <see cref="KafkaLogBridge"/> into a logger.</summary>
public static class KafkaClientBuilderExtensions
{
    public static ConsumerBuilder<TKey, TValue> RouteLogsTo<TKey, TValue>(this ConsumerBuilder<TKey, TValue> builder, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.SetLogHandler((_, message) => KafkaLogBridge.Route(logger, message));
    }

    public static ProducerBuilder<TKey, TValue> RouteLogsTo<TKey, TValue>(this ProducerBuilder<TKey, TValue> builder, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.SetLogHandler((_, message) => KafkaLogBridge.Route(logger, message));
    }

    public static AdminClientBuilder RouteLogsTo(this AdminClientBuilder builder, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.SetLogHandler((_, message) => KafkaLogBridge.Route(logger, message));
    }
}
