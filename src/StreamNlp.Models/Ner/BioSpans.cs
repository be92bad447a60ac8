namespace StreamNlp.Models.Ner;

/// <summary>
/// Turns BIO tag sequences into entity spans the way conlleval does: an entity starts at <c>B-X</c>, or at an
/// <c>I-X</c> that does not continue an <c>X</c> entity, and runs while <c>I-X</c> follows.
/// </summary>
public static class BioSpans
{
    /// <summary>The entities of a sequence of BIO labels.</summary>
    /// <exception cref="ArgumentException">A label is not <c>O</c>, <c>B-TYPE</c> or <c>I-TYPE</c>.</exception>
    public static IReadOnlyList<EntitySpan> FromTags(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var parsed = new (BioTagKind Kind, string? Type)[tags.Count];
        for (var i = 0; i < tags.Count; i++)
        {
            if (!BioTagSet.TryParse(tags[i], out parsed[i].Kind, out parsed[i].Type))
            {
                throw new ArgumentException($"Tag {i} ('{tags[i]}') is not a BIO label.", nameof(tags));
            }
        }

        return Collect(parsed);
    }

    /// <summary>The entities of a sequence of tag indices into <paramref name="tagSet"/>.</summary>
    public static IReadOnlyList<EntitySpan> FromTags(ReadOnlySpan<int> tags, BioTagSet tagSet)
    {
        ArgumentNullException.ThrowIfNull(tagSet);
        var parsed = new (BioTagKind Kind, string? Type)[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            if ((uint)tags[i] >= (uint)tagSet.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(tags), $"Tag index {tags[i]} at {i} is outside the tag set.");
            }

            parsed[i] = (tagSet.KindOf(tags[i]), tagSet.EntityTypeOf(tags[i]));
        }

        return Collect(parsed);
    }

    private static List<EntitySpan> Collect(ReadOnlySpan<(BioTagKind Kind, string? Type)> tags)
    {
        var spans = new List<EntitySpan>();
        var start = -1;
        string? type = null;
        for (var i = 0; i <= tags.Length; i++)
        {
            var atEnd = i == tags.Length;
            var continues = !atEnd && start >= 0 && tags[i].Kind == BioTagKind.Inside
                && string.Equals(type, tags[i].Type, StringComparison.Ordinal);
            if (continues)
            {
                continue;
            }

            if (start >= 0)
            {
                spans.Add(new EntitySpan(start, i, type!));
                start = -1;
                type = null;
            }

            if (!atEnd && tags[i].Kind != BioTagKind.Outside)
            {
                start = i;
                type = tags[i].Type;
            }
        }

        return spans;
    }
}
