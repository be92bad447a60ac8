using System.ComponentModel.DataAnnotations;

namespace StreamNlp.Worker.Configuration;

/// <summary>
/// Review queue settings, section <c>StreamNlp:Review</c>: a result whose confidence is below its
/// task's threshold is also published to the review topic. A threshold of 0 turns review off for that task.
/// </summary>
public sealed class ReviewOptions
{
    public const string Section = "StreamNlp:Review";

    /// <summary>Top label probability below which a topic is sent for review. Default 0.8 (the shipped heads are confident: most clear texts score above 0.9).</summary>
    [Range(0.0, 1.0, ErrorMessage = "StreamNlp:Review:Classification must be between {1} and {2}.")]
    public double Classification { get; set; } = 0.8;

    /// <summary>Top label probability below which a sentiment is sent for review. Default 0.8.</summary>
    [Range(0.0, 1.0, ErrorMessage = "StreamNlp:Review:Sentiment must be between {1} and {2}.")]
    public double Sentiment { get; set; } = 0.8;

    /// <summary>Weakest entity score below which the entities are sent for review. Default 0.7.</summary>
    [Range(0.0, 1.0, ErrorMessage = "StreamNlp:Review:Ner must be between {1} and {2}.")]
    public double Ner { get; set; } = 0.7;
}
