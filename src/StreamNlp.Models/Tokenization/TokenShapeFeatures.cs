namespace StreamNlp.Models.Tokenization;

/// <summary>
/// Casing and shape features of the word a sub-token belongs to. The encoder is uncased, so the
/// NER head needs these to tell "Apple" from "apple". Training and inference must call this same code.
/// </summary>
public static class TokenShapeFeatures
{
    /// <summary>Number of features per sub-token.</summary>
    public const int Count = 5;

    /// <summary>
    /// Writes the features of <paramref name="word"/> (the original, cased text of the whole word) into
    /// <paramref name="destination"/>: [first letter upper, all letters upper (2+ letters), any digit,
    /// all letters lower, no letter or digit at all].
    /// </summary>
    public static void Compute(ReadOnlySpan<char> word, Span<float> destination)
    {
        if (destination.Length < Count)
        {
            throw new ArgumentException($"Need room for {Count} features.", nameof(destination));
        }

        int letters = 0, upper = 0, lower = 0, digits = 0;
        foreach (var c in word)
        {
            if (char.IsLetter(c))
            {
                letters++;
                if (char.IsUpper(c)) upper++;
                else if (char.IsLower(c)) lower++;
            }
            else if (char.IsDigit(c))
            {
                digits++;
            }
        }

        var firstLetterIndex = word.IndexOfAnyExcept(" \t\r\n");
        var firstUpper = firstLetterIndex >= 0 && char.IsUpper(word[firstLetterIndex]);
        destination[0] = firstUpper ? 1f : 0f;
        destination[1] = letters >= 2 && upper == letters ? 1f : 0f;
        destination[2] = digits > 0 ? 1f : 0f;
        destination[3] = letters > 0 && lower == letters ? 1f : 0f;
        destination[4] = letters == 0 && digits == 0 ? 1f : 0f;
    }

    /// <summary>
    /// Writes the features of every position of <paramref name="text"/> ([CLS] and [SEP] get zeros) into
    /// <paramref name="destination"/>, <see cref="TokenizedText.Length"/> × <see cref="Count"/> values.
    /// </summary>
    public static void ComputeForPositions(TokenizedText text, Span<float> destination)
    {
        for (var p = 0; p < text.Length; p++)
        {
            var word = text.WordIndex[p];
            if (word >= 0)
            {
                var span = text.Words[word];
                Compute(text.Text.AsSpan(span.Start, span.Length), destination.Slice(p * Count, Count));
            }
        }
    }
}
