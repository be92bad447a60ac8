using System.ComponentModel.DataAnnotations;

namespace StreamNlp.Labeling.Configuration;

/// <summary>The labelling page and its API, section <c>StreamNlp:Labeling</c>.</summary>
public sealed class LabelingOptions
{
    public const string Section = "StreamNlp:Labeling";

    /// <summary>Serve the page inside <c>streamnlp run</c> (on the shared HTTP host). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Consumer group that reads the review topic for the page. Default <c>streamnlp-labeling</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "StreamNlp:Labeling:GroupId is required.")]
    public string GroupId { get; set; } = "streamnlp-labeling";

    /// <summary>How long an item handed to one annotator is kept from the others, in seconds. Default 300.</summary>
    [Range(1, 86_400, ErrorMessage = "StreamNlp:Labeling:LeaseSeconds must be between {1} and {2}.")]
    public int LeaseSeconds { get; set; } = 300;

    /// <summary>Largest <c>POST /api/feedback</c> body in bytes; larger bodies get a 400. Default 65,536.</summary>
    [Range(256, 1_000_000, ErrorMessage = "StreamNlp:Labeling:MaxBodyBytes must be between {1} and {2}.")]
    public int MaxBodyBytes { get; set; } = 65_536;

    /// <summary>Review items held in memory; reading the review topic pauses above it and resumes at half. Default 10,000.</summary>
    [Range(10, 1_000_000, ErrorMessage = "StreamNlp:Labeling:QueueCapacity must be between {1} and {2}.")]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>How long a feedback message may wait for Kafka's acknowledgement before the API answers 503, in ms. Default 10,000.</summary>
    [Range(1_000, 300_000, ErrorMessage = "StreamNlp:Labeling:PublishTimeoutMs must be between {1} and {2}.")]
    public int PublishTimeoutMs { get; set; } = 10_000;
}
