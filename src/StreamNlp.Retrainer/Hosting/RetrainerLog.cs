using Microsoft.Extensions.Logging;

namespace StreamNlp.Retrainer.Hosting;

/// <summary>Source-generated log messages of the retrainer (event ids 3000–3099).</summary>
internal static partial class RetrainerLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information,
        Message = "Retrainer consuming {Topic} as group {GroupId}; store {Database}; retrain after {MinLabels} new labels or {MaxWaitSeconds} s")]
    public static partial void Started(ILogger logger, string topic, string groupId, string database, int minLabels, int maxWaitSeconds);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Feedback dead-lettered {Source}: {Reason} ({Detail})")]
    public static partial void FeedbackRejected(ILogger logger, string source, string reason, string detail);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Retraining {Task}: {Unused} new labels, {Total} stored")]
    public static partial void Retraining(ILogger logger, string task, int unused, int total);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information,
        Message = "Retrain {Task}: {Decision} challenger {Challenger} vs champion {Champion} in {Seconds:F1} s — champion {ChampionMetrics}, challenger {ChallengerMetrics}; {Reason}")]
    public static partial void Decided(ILogger logger, string task, string decision, string? challenger, string champion, double seconds, string championMetrics, string challengerMetrics, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Retrain {Task} failed: {Reason}")]
    public static partial void RetrainFailed(ILogger logger, string task, string reason, Exception? exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Published model-updated {Task} {Version} to {Topic}")]
    public static partial void Published(ILogger logger, string task, string version, string topic);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "Kafka error in the retrainer: {Reason}")]
    public static partial void KafkaError(ILogger logger, string reason);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "No replay set for {Task}: the current model carries none and no base data is configured (--base-data); challengers train on feedback only and the base dev check is skipped")]
    public static partial void NoBaseData(ILogger logger, string task);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Information,
        Message = "Replay set for {Task} ready: {TrainRows} training and {DevRows} dev rows from {Source}, encoded into the feature cache in {Seconds:0.0} s")]
    public static partial void ReplayReady(ILogger logger, string task, int trainRows, int devRows, string source, double seconds);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information,
        Message = "Retrainer instance {InstanceId} joining the lease group {GroupId} on {Topic}; the member holding partition 0 retrains and publishes")]
    public static partial void LeaseJoining(ILogger logger, string topic, string groupId, string instanceId);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "Retrainer lease acquired by instance {InstanceId} on {Topic} ({Why}): this instance retrains and publishes")]
    public static partial void LeaseAcquired(ILogger logger, string instanceId, string topic, string why);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Retrainer lease lost by instance {InstanceId} on {Topic} ({Why}): this instance keeps storing feedback but no longer retrains")]
    public static partial void LeaseLost(ILogger logger, string instanceId, string topic, string why);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning,
        Message = "Retrain {Task}: challenger {Challenger} passed the gate but the lease was lost before publishing; not published, {Champion} stays current here")]
    public static partial void NotPublishedLeaseLost(ILogger logger, string task, string challenger, string champion);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning,
        Message = "Replaced the local {Task} {Version} (a challenger trained here and never published) by the version of that name published on the models topic")]
    public static partial void LocalVersionReplaced(ILogger logger, string task, string version);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Retrainer registry follows the models topic: {Task} {Version} is current")]
    public static partial void RegistryFollowed(ILogger logger, string task, string version);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Error, Message = "Retrainer registry could not make {Task} {Version} current: {Reason}")]
    public static partial void RegistryFollowFailed(ILogger logger, string task, string version, string reason);
}
