using Microsoft.Extensions.Logging;

namespace StreamNlp.Kafka;

/// <summary>Source-generated log messages of the Kafka plumbing shared by every service (event ids 4000–4099).</summary>
public static partial class KafkaLog
{
    [LoggerMessage(EventId = 4000, Message = "librdkafka {Facility}: {Text}")]
    internal static partial void Librdkafka(ILogger logger, LogLevel level, string facility, string text);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Lost every Kafka broker ({Reason}); {Plan}")]
    internal static partial void BrokerLost(ILogger logger, string reason, string plan);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Still no Kafka broker after {Seconds:F0} s ({Errors} client errors in the last period)")]
    internal static partial void BrokerStillLost(ILogger logger, double seconds, int errors);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Kafka broker reachable again after {Seconds:F1} s ({Errors} client errors since the last summary)")]
    internal static partial void BrokerRestored(ILogger logger, double seconds, int errors);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "Kafka client error {Code}: {Reason} ({HeldBack} more of this kind held back in the last 10 s)")]
    internal static partial void ClientError(ILogger logger, string code, string reason, int heldBack);

    /// <summary>A service's Kafka settings at start-up (<see cref="Configuration.KafkaOptions.ToString"/>: no secrets).</summary>
    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Kafka settings of the {Client}: {Settings}")]
    public static partial void Settings(ILogger logger, string client, string settings);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Model update received: {Task} -> {Version} ({Reason})")]
    internal static partial void ModelUpdateReceived(ILogger logger, string task, string version, string reason);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Ignoring a malformed model-updated event at {Source}: {Reason}")]
    internal static partial void ModelUpdateMalformed(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 4019, Level = LogLevel.Information, Message = "Read {Topic} to its end: every version published so far is in the local registry")]
    public static partial void ModelsTopicCaughtUp(ILogger logger, string topic);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "Refusing {Task} {Version} from the models topic: {Reason}; the serving head stays")]
    internal static partial void ModelArtifactRefused(ILogger logger, string task, string version, string reason);
}
