using StreamNlp.Core.Contracts;

namespace StreamNlp.Models.Inference;

/// <summary>What the models said about one text.</summary>
public sealed record TextAnnotation(
    LabelPrediction? Classification,
    LabelPrediction? Sentiment,
    IReadOnlyList<EntityMention> Entities,
    bool Truncated,
    int TokenCount);
