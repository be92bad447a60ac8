using System.Text.Json.Serialization;

namespace StreamNlp.Core.Contracts.Feedback;

/// <summary>The wire shape of a feedback value, as <see cref="FeedbackJson"/> writes it and <see cref="FeedbackParser"/> reads it.</summary>
internal sealed record FeedbackMessage
{
    [JsonPropertyName("task")] public required string Task { get; init; }

    [JsonPropertyName("text")] public required string Text { get; init; }

    [JsonPropertyName("label")] public string? Label { get; init; }

    [JsonPropertyName("entities")] public IReadOnlyList<FeedbackEntity>? Entities { get; init; }

    [JsonPropertyName("id")] public string? Id { get; init; }

    [JsonPropertyName("source")] public string? Source { get; init; }
}
