using Microsoft.Extensions.Logging;

namespace StreamNlp.Worker.Hosting;

/// <summary>Source-generated log messages of the enrichment worker (event ids 2000–2099).</summary>
internal static partial class WorkerLog
{
    /// <summary>Scope of everything logged while one batch is enriched and delivered.</summary>
    public static readonly Func<ILogger, long, IDisposable?> BatchScope = LoggerMessage.DefineScope<long>("batch {BatchId}");

    /// <summary>Scope of what is logged about one input record.</summary>
    public static readonly Func<ILogger, string, int, long, IDisposable?> RecordScope =
        LoggerMessage.DefineScope<string, int, long>("{Topic}/{Partition}@{Offset}");

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information,
        Message = "Enrichment worker consuming {Topics} as group {GroupId} on {Bootstrap} ({Mode}); output {Output}, dead letters {DeadLetters}")]
    public static partial void Started(ILogger logger, string topics, string groupId, string bootstrap, string mode, string output, string deadLetters);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Inference failed for a batch of {Count} after retries; trying each record alone")]
    public static partial void BatchInferenceFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Dead-lettered {Source}: {Reason} ({Detail})")]
    public static partial void DeadLettered(ILogger logger, string source, string reason, string detail);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information,
        Message = "Enrichment worker stopping: {Processed} records done ({DeadLetters} dead-lettered); committing offsets")]
    public static partial void Stopping(ILogger logger, long processed, long deadLetters);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Critical, Message = "Enrichment worker failed, stopping without committing the batch in flight: {Reason}")]
    public static partial void Failed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2025, Level = LogLevel.Debug, Message = "Enrichment worker failure in detail")]
    public static partial void FailedDetail(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Retrying {Operation} after attempt {Attempt}: {Reason}")]
    public static partial void Retrying(ILogger logger, string operation, int attempt, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Partitions assigned: {Partitions}")]
    public static partial void PartitionsAssigned(ILogger logger, string partitions);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Partitions revoked: {Partitions}")]
    public static partial void PartitionsRevoked(ILogger logger, string partitions);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Debug, Message = "Window of {Count} ({Tokens} padded tokens) delivered and committed in {Milliseconds:F1} ms")]
    public static partial void BatchDone(ILogger logger, int count, int tokens, double milliseconds);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Swapped {Task} head {From} -> {To} between batches")]
    public static partial void HeadSwapped(ILogger logger, string task, string from, string to);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Error, Message = "Could not swap {Task} head to {To}; still serving {From}: {Reason}")]
    public static partial void HeadSwapFailed(ILogger logger, string task, string to, string from, string reason);

    [LoggerMessage(EventId = 2019, Level = LogLevel.Debug, Message = "Buffer at {Count} records: {Action} {Partitions} partitions")]
    public static partial void FlowControl(ILogger logger, long count, string action, int partitions);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "Dropped {Count} buffered records of revoked partitions (their new owner consumes them)")]
    public static partial void DroppedRevoked(ILogger logger, int count);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Warning, Message = "The batch in flight did not finish within {Seconds:F0} s of a revoke; its partitions are released uncommitted and will be consumed again")]
    public static partial void RevokeWaitTimedOut(ILogger logger, double seconds);

    [LoggerMessage(EventId = 2022, Level = LogLevel.Information, Message = "Partitions lost: {Partitions}")]
    public static partial void PartitionsLost(ILogger logger, string partitions);

    [LoggerMessage(EventId = 2023, Level = LogLevel.Warning, Message = "Could not commit offsets on revoke: {Reason}")]
    public static partial void RevokeCommitFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2024, Level = LogLevel.Warning, Message = "Review item for {Source} not published: {Reason}")]
    public static partial void ReviewSkipped(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 2026, Level = LogLevel.Debug, Message = "Window of {Count} inferred in {Runs} encoder runs in {Milliseconds:F1} ms")]
    public static partial void WindowInferred(ILogger logger, int count, int runs, double milliseconds);

    [LoggerMessage(EventId = 2027, Level = LogLevel.Warning,
        Message = "Replaced the local {Task} {Version}, which never served here (a challenger trained here and never published), by the version of that name published on the models topic")]
    public static partial void LocalVersionReplaced(ILogger logger, string task, string version);
}
