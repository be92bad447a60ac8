namespace StreamNlp.Worker.Publishing;

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
}
