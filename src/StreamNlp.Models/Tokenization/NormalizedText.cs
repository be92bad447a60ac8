namespace StreamNlp.Models.Tokenization;

/// <summary>
/// A text as the WordPiece model reads it (lower-cased, accents and control characters removed…) together
/// with, for every normalized character, the span of the ORIGINAL text it stands for. Normalization changes
/// lengths (a decomposed "e\u0301" becomes "e", a ligature "ﬃ" becomes "ffi"), so offsets reported on the
/// normalized text only become offsets into the original through this map.
/// </summary>
public sealed class NormalizedText
{
    private readonly int[]? _starts;
    private readonly int[]? _ends;

    /// <param name="original">The text as received.</param>
    /// <param name="text">The normalized text.</param>
    /// <param name="starts">Original start of each normalized character; null when the map is the identity.</param>
    /// <param name="ends">Original end (exclusive) of each normalized character; null when the map is the identity.</param>
    internal NormalizedText(string original, string text, int[]? starts, int[]? ends)
    {
        Original = original;
        Text = text;
        _starts = starts;
        _ends = ends;
    }

    public string Original { get; }

    public string Text { get; }

    /// <summary>
    /// The span of the original text that normalized characters <c>[start, end)</c> came from. It covers
    /// whole original characters: a combining mark or joiner dropped after the last character belongs to
    /// the span, so a word's span ends after its accents.
    /// </summary>
    public TextSpan ToOriginal(int start, int end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, Text.Length);
        if (_starts is null || _ends is null)
        {
            return new TextSpan(start, end);
        }

        if (start == end)
        {
            var at = start < Text.Length ? _starts[start] : Original.Length;
            return new TextSpan(at, at);
        }

        return new TextSpan(_starts[start], _ends[end - 1]);
    }
}
