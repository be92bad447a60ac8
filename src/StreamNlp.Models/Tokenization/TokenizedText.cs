namespace StreamNlp.Models.Tokenization;

/// <summary>
/// One text as the encoder sees it: <c>[CLS] sub-tokens… [SEP]</c> with, for every position, the
/// character span in the ORIGINAL text (special tokens get an empty span) and the index of the word
/// it belongs to (-1 for special tokens). Words are the tokenizer's pre-tokenized units (split on
/// whitespace and punctuation); a word's first sub-token is the one the NER head is read from.
/// </summary>
public sealed class TokenizedText
{
    public required string Text { get; init; }

    /// <summary>Vocabulary ids, including [CLS] and [SEP].</summary>
    public required long[] Ids { get; init; }

    /// <summary>Start character of each position in <see cref="Text"/>.</summary>
    public required int[] Starts { get; init; }

    /// <summary>End character (exclusive) of each position in <see cref="Text"/>.</summary>
    public required int[] Ends { get; init; }

    /// <summary>Word index of each position; -1 for [CLS] and [SEP].</summary>
    public required int[] WordIndex { get; init; }

    /// <summary>Character span of each word: start and exclusive end.</summary>
    public required IReadOnlyList<TextSpan> Words { get; init; }

    /// <summary>Position of each word's first sub-token.</summary>
    public required int[] WordFirstToken { get; init; }

    /// <summary>True when the text had more tokens than the limit and its tail was cut off.</summary>
    public required bool Truncated { get; init; }

    /// <summary>Number of positions, [CLS] and [SEP] included.</summary>
    public int Length => Ids.Length;
}
