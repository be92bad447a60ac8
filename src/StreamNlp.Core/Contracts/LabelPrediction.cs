using System.Text.Json.Serialization;

namespace StreamNlp.Core.Contracts;

/// <summary>A whole-text prediction: the best label, its probability, and every label's probability.</summary>
public sealed record LabelPrediction(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("score")] float Score,
    [property: JsonPropertyName("scores")] IReadOnlyDictionary<string, float> Scores);
