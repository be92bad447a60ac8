using System.ComponentModel.DataAnnotations;

namespace StreamNlp.Worker.Configuration;

/// <summary>Retry settings for transient Kafka and inference failures, section <c>StreamNlp:Retry</c>.</summary>
public sealed class RetryOptions
{
    public const string Section = "StreamNlp:Retry";

    /// <summary>Retries after the first attempt. Default 3.</summary>
    [Range(0, 100, ErrorMessage = "StreamNlp:Retry:MaxRetries must be between {1} and {2}.")]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First back-off delay in ms, doubled (with jitter) each retry. Default 200.</summary>
    [Range(1, 60_000, ErrorMessage = "StreamNlp:Retry:BaseDelayMs must be between {1} and {2}.")]
    public int BaseDelayMs { get; set; } = 200;
}
