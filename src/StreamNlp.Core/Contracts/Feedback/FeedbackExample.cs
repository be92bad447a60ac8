using StreamNlp.Core.Tasks;

namespace StreamNlp.Core.Contracts.Feedback;

/// <summary>
/// A human-provided label for one text, read from the feedback topic.
/// Sequence tasks (classification, sentiment) carry a <see cref="Label"/>; NER carries
/// <see cref="Entities"/>, where an empty list means "this text has no entities".
/// Equality compares <see cref="Entities"/> element by element, not by reference.
/// </summary>
/// <param name="Task">The head the label is for.</param>
/// <param name="Text">The labelled text, exactly as given (offsets refer to it).</param>
/// <param name="Label">The label of the whole text (sequence tasks only), trimmed.</param>
/// <param name="Entities">The entities of the text (NER only), sorted by start.</param>
/// <param name="Id">The id of the enriched record this label corrects, if known.</param>
/// <param name="Source">Who (or what) provided the label, if known.</param>
public sealed record FeedbackExample(
    NlpTask Task,
    string Text,
    string? Label = null,
    IReadOnlyList<FeedbackEntity>? Entities = null,
    string? Id = null,
    string? Source = null)
{
    public bool Equals(FeedbackExample? other) =>
        other is not null
        && Task == other.Task
        && string.Equals(Text, other.Text, StringComparison.Ordinal)
        && string.Equals(Label, other.Label, StringComparison.Ordinal)
        && EntitiesEqual(Entities, other.Entities)
        && string.Equals(Id, other.Id, StringComparison.Ordinal)
        && string.Equals(Source, other.Source, StringComparison.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Task);
        hash.Add(Text, StringComparer.Ordinal);
        hash.Add(Label, StringComparer.Ordinal);
        hash.Add(Entities?.Count ?? -1);
        if (Entities is not null)
        {
            foreach (var entity in Entities)
            {
                hash.Add(entity);
            }
        }

        hash.Add(Id, StringComparer.Ordinal);
        hash.Add(Source, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    private static bool EntitiesEqual(IReadOnlyList<FeedbackEntity>? left, IReadOnlyList<FeedbackEntity>? right) =>
        ReferenceEquals(left, right) || (left is not null && right is not null && left.SequenceEqual(right));
}
