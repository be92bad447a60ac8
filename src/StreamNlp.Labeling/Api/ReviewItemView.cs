using StreamNlp.Core.Contracts;

namespace StreamNlp.Labeling.Api;

/// <summary>
/// One review item as the page gets it: the text, the model's guess (label and score for classification and
/// sentiment; entities with UTF-16 offsets for ner), the version that made it, the labels to choose from, and
/// until when it is leased to the caller.
/// </summary>
/// <param name="ReviewId">This review item's key (task, review partition and offset; URL-safe): <c>POST /api/review/{reviewId}/skip</c>.</param>
/// <param name="Id">The enriched record's id (shared by the record's items of every task); send it back as the feedback's <c>id</c>.</param>
/// <param name="Label">The model's label (classification, sentiment), else null.</param>
/// <param name="Score">The model's probability for <paramref name="Label"/>, else null.</param>
/// <param name="Confidence">The confidence that was below the review threshold (label score, or the weakest entity's).</param>
/// <param name="Entities">The model's entities (ner); empty for the other tasks.</param>
/// <param name="Labels">The labels the current model knows (entity types for ner), in the model's order.</param>
public sealed record ReviewItemView(
    string ReviewId,
    string Id,
    string Task,
    string Text,
    string? Label,
    double? Score,
    IReadOnlyDictionary<string, float>? Scores,
    IReadOnlyList<EntityMention> Entities,
    string ModelVersion,
    double Confidence,
    IReadOnlyList<string> Labels,
    DateTimeOffset LeaseExpiresAt);
