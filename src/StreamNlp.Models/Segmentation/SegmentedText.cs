namespace StreamNlp.Models.Segmentation;

/// <summary>
/// A text as the encoder reads it: one or more <see cref="Segments"/> (its sentences, or the whole text), within the
/// text's token budget. <see cref="Truncated"/> when part of the text did not fit and was left unread.
/// </summary>
public sealed class SegmentedText
{
    public SegmentedText(string text, IReadOnlyList<TextSegment> segments, bool truncated)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count == 0)
        {
            throw new ArgumentException("A text has at least one segment.", nameof(segments));
        }

        Text = text;
        Segments = segments;
        Truncated = truncated;
        TokenCount = segments.Sum(s => s.Tokens.Length);
    }

    public string Text { get; }

    public IReadOnlyList<TextSegment> Segments { get; }

    public bool Truncated { get; }

    /// <summary>Positions over all segments, each segment's [CLS] and [SEP] included.</summary>
    public int TokenCount { get; }

    /// <summary>The whole text as one segment (what <see cref="TextSegmentation.None"/> gives).</summary>
    public static SegmentedText Whole(Tokenization.TokenizedText tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return new SegmentedText(tokens.Text, [new TextSegment(0, tokens)], tokens.Truncated);
    }
}
