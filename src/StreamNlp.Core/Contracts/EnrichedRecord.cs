using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamNlp.Core.Contracts;

/// <summary>One enriched result, published to the output topic with the input's key.</summary>
public sealed record EnrichedRecord
{
    /// <summary>The input's <c>id</c>, else <c>topic/partition/offset</c>.</summary>
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("text")] public required string Text { get; init; }

    [JsonPropertyName("classification")] public LabelPrediction? Classification { get; init; }

    [JsonPropertyName("sentiment")] public LabelPrediction? Sentiment { get; init; }

    [JsonPropertyName("entities")] public required IReadOnlyList<EntityMention> Entities { get; init; }

    /// <summary>True when the text exceeded the token limit and only its beginning was analysed.</summary>
    [JsonPropertyName("truncated")] public bool Truncated { get; init; }

    /// <summary>Version of each head (<c>classification</c>, <c>sentiment</c>, <c>ner</c>) and of the <c>encoder</c>.</summary>
    [JsonPropertyName("models")] public required IReadOnlyDictionary<string, string> Models { get; init; }

    [JsonPropertyName("source")] public required SourceCoordinates Source { get; init; }

    /// <summary>Milliseconds from the input's Kafka timestamp to this record's creation.</summary>
    [JsonPropertyName("latencyMs")] public double LatencyMs { get; init; }

    /// <summary>Milliseconds from consuming the input to this record's creation (batching wait + inference).</summary>
    [JsonPropertyName("processingMs")] public double ProcessingMs { get; init; }

    [JsonPropertyName("processedAt")] public DateTimeOffset ProcessedAt { get; init; }

    /// <summary>Extra fields of a JSON input, passed through unchanged.</summary>
    [JsonPropertyName("metadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }
}
