namespace StreamNlp.Kafka.DeadLetters;

/// <summary>Headers a dead letter carries besides the input's own.</summary>
public static class DeadLetterHeaders
{
    /// <summary>Reason code, one of <see cref="Core.Contracts.InputErrors"/>.</summary>
    public const string Error = "streamnlp-error";

    /// <summary>Human-readable detail of the reason.</summary>
    public const string ErrorDetail = "streamnlp-error-detail";

    public const string SourceTopic = "streamnlp-source-topic";
    public const string SourcePartition = "streamnlp-source-partition";
    public const string SourceOffset = "streamnlp-source-offset";
    public const string FailedAt = "streamnlp-failed-at";

    /// <summary>Set when the value was cut to fit the size limit: the number of bytes kept.</summary>
    public const string ValueTruncated = "streamnlp-value-truncated";

    /// <summary>Size in bytes of the input's whole value, when it was cut.</summary>
    public const string OriginalSize = "streamnlp-original-size";

    /// <summary>Lower-case hex SHA-256 of the input's whole value, when it was cut.</summary>
    public const string OriginalSha256 = "streamnlp-original-sha256";

    /// <summary>Set when the input's own headers were too large to keep: how many were dropped.</summary>
    public const string HeadersDropped = "streamnlp-headers-dropped";
}
