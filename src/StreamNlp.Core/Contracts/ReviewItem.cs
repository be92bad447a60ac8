using System.Text.Json.Serialization;

namespace StreamNlp.Core.Contracts;

/// <summary>
/// A result whose confidence fell below its task's review threshold, published to <c>nlp.review</c>
/// for a person to accept or correct (<c>streamnlp label</c>), which turns it into feedback.
/// </summary>
public sealed record ReviewItem
{
    /// <summary>The enriched record's id.</summary>
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("task")] public required string Task { get; init; }

    [JsonPropertyName("text")] public required string Text { get; init; }

    /// <summary>The model's guess for classification and sentiment.</summary>
    [JsonPropertyName("prediction")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public LabelPrediction? Prediction { get; init; }

    /// <summary>The model's entities for NER.</summary>
    [JsonPropertyName("entities")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<EntityMention>? Entities { get; init; }

    /// <summary>The confidence that was below the threshold (label score, or the weakest entity's score).</summary>
    [JsonPropertyName("confidence")] public float Confidence { get; init; }

    [JsonPropertyName("modelVersion")] public required string ModelVersion { get; init; }

    [JsonPropertyName("source")] public required SourceCoordinates Source { get; init; }
}
