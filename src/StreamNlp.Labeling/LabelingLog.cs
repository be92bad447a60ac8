using Microsoft.Extensions.Logging;

namespace StreamNlp.Labeling;

/// <summary>Source-generated log messages of the labelling page and its API (event ids 5000–5099).</summary>
internal static partial class LabelingLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Labelling page reads review items from {Topic} (group {Group}) and sends feedback to {FeedbackTopic}; access: {Access}")]
    public static partial void Reading(ILogger logger, string topic, string group, string feedbackTopic, string access);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Review queue: cannot read {Topic}: {Reason}")]
    public static partial void ConsumeFailed(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Review queue: committing offsets failed: {Reason}")]
    public static partial void CommitFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Review queue: {Count} items held, reading paused until half are labelled")]
    public static partial void Paused(ILogger logger, int count);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Feedback from {Annotator} for {Task} published to {Topic} [{Partition}] @{Offset}")]
    public static partial void FeedbackPublished(ILogger logger, string annotator, string task, string topic, int partition, long offset);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Feedback from {Annotator} not published: {Reason}")]
    public static partial void FeedbackUnavailable(ILogger logger, string annotator, string reason);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Feedback rejected ({Code}, field {Field}): {Detail}")]
    public static partial void FeedbackRejected(ILogger logger, string code, string field, string detail);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Labelling API: refused a request from {Remote}: {Reason}")]
    public static partial void Refused(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "Labelling page: {Url}")]
    public static partial void PageAddress(ILogger logger, string url);
}
