using System.Text.Json.Serialization;
using StreamNlp.Core.Contracts.Feedback;

namespace StreamNlp.Labeling.Api;

/// <summary>
/// The body of <c>POST /api/feedback</c>, for the OpenAPI document: one value in the <c>nlp.feedback</c> schema,
/// checked by the same <see cref="FeedbackParser"/> the retrainer reads the topic with. The server sets
/// <c>source</c> to the annotator (<c>X-Annotator</c>), whatever the body says.
/// </summary>
/// <param name="Task">classification, sentiment or ner.</param>
/// <param name="Label">The text's label (classification, sentiment).</param>
/// <param name="Entities">The text's entities (ner; empty when it has none): UTF-16 offsets, end exclusive, not overlapping.</param>
/// <param name="Id">The review item's id (the enriched record's id).</param>
public sealed record FeedbackRequest(
    [property: JsonPropertyName("task")] string Task,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("label")] string? Label,
    [property: JsonPropertyName("entities")] IReadOnlyList<FeedbackEntity>? Entities,
    [property: JsonPropertyName("id")] string? Id);
