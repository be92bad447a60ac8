using Microsoft.ML.Tokenizers;

namespace StreamNlp.Models.Tokenization;

/// <summary>
/// WordPiece tokenization with character offsets into the original text, via Microsoft.ML.Tokenizers'
/// <see cref="BertTokenizer"/>. For an uncased vocabulary it lower-cases AND strips accents, as the
/// encoder was trained (otherwise "Zürich" becomes [UNK]); offsets still slice the original text.
/// Thread-safe.
/// </summary>
public sealed class TextTokenizer
{
    /// <summary>
    /// Changes whenever this class's behaviour changes (normalization, truncation), so caches keyed on
    /// tokenized text are not reused across versions.
    /// </summary>
    public const int BehaviourVersion = 2;

    private readonly BertTokenizer _tokenizer;

    public TextTokenizer(string vocabularyPath, bool uncased)
    {
        var options = new BertOptions
        {
            LowerCaseBeforeTokenization = uncased,
            RemoveNonSpacingMarks = uncased,
            // Splitting CJK characters inserts spaces into the normalized text, and the library's
            // offsets then point into that longer text. Kept off so offsets stay exact.
            IndividuallyTokenizeCjk = false,
        };
        _tokenizer = BertTokenizer.Create(vocabularyPath, options);
    }

    public long ClsId => _tokenizer.ClassificationTokenId;

    public long SepId => _tokenizer.SeparatorTokenId;

    public long PadId => _tokenizer.PaddingTokenId;

    /// <summary>
    /// Tokenizes <paramref name="text"/> into at most <paramref name="maxTokens"/> positions ([CLS] and [SEP]
    /// included). Longer text is truncated at a word boundary and flagged <see cref="TokenizedText.Truncated"/>.
    /// </summary>
    public TokenizedText Tokenize(string text, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (maxTokens < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, "Need room for [CLS], [SEP] and one token.");
        }

        // BERT's text cleanup deletes control characters (CR, LF, tab, zero-width…), and the library then
        // reports offsets into the shortened text. Replacing each with a space keeps every character at
        // its original index, so offsets slice the original text exactly.
        var tokens = _tokenizer.EncodeToTokens(ReplaceControlCharacters(text), out _);
        var budget = maxTokens - 2;
        var kept = tokens.Count;
        var truncated = false;
        if (kept > budget)
        {
            truncated = true;
            kept = budget;
            // Do not cut a word in half: drop its leading sub-tokens too, unless it is the only word.
            while (kept > 1 && tokens[kept].Value.StartsWith("##", StringComparison.Ordinal))
            {
                kept--;
            }
        }

        var length = kept + 2;
        var ids = new long[length];
        var starts = new int[length];
        var ends = new int[length];
        var wordIndex = new int[length];
        var words = new List<TextSpan>();
        var firstTokens = new List<int>();
        ids[0] = ClsId;
        wordIndex[0] = -1;
        for (var i = 0; i < kept; i++)
        {
            var token = tokens[i];
            var position = i + 1;
            // Offsets come from the library; clamp them so a surprise in its normalization can never
            // produce a span outside the text.
            var start = Math.Clamp(token.Offset.Start.GetOffset(text.Length), 0, text.Length);
            var count = Math.Clamp(token.Offset.End.GetOffset(text.Length), start, text.Length) - start;
            ids[position] = token.Id;
            starts[position] = start;
            ends[position] = start + count;
            var continues = i > 0 && token.Value.StartsWith("##", StringComparison.Ordinal);
            if (!continues)
            {
                words.Add(new TextSpan(start, start + count));
                firstTokens.Add(position);
            }
            else
            {
                var last = words[^1];
                words[^1] = last with { End = Math.Max(last.End, start + count) };
            }

            wordIndex[position] = words.Count - 1;
        }

        ids[length - 1] = SepId;
        wordIndex[length - 1] = -1;
        var endOfText = kept > 0 ? ends[kept] : 0;
        starts[length - 1] = ends[length - 1] = endOfText;

        return new TokenizedText
        {
            Text = text,
            Ids = ids,
            Starts = starts,
            Ends = ends,
            WordIndex = wordIndex,
            Words = words,
            WordFirstToken = [.. firstTokens],
            Truncated = truncated,
        };
    }

    private static string ReplaceControlCharacters(string text)
    {
        var index = text.AsSpan().IndexOfAny(ControlCharacters);
        if (index < 0)
        {
            return text;
        }

        return string.Create(text.Length, text, static (destination, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                destination[i] = ControlCharacters.Contains(c) ? ' ' : c;
            }
        });
    }

    private static readonly System.Buffers.SearchValues<char> ControlCharacters = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x10000).Select(i => (char)i)
            .Where(c => !char.IsSurrogate(c) && (char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format))]);

    /// <summary>Number of positions the text would take, [CLS] and [SEP] included, before any limit.</summary>
    public int CountTokens(string text) => _tokenizer.EncodeToTokens(ReplaceControlCharacters(text), out _).Count + 2;
}
