using Microsoft.ML.Tokenizers;

namespace StreamNlp.Models.Tokenization;

/// <summary>
/// WordPiece tokenization with character offsets into the original text, via Microsoft.ML.Tokenizers'
/// <see cref="BertTokenizer"/>. For an uncased vocabulary it lower-cases AND strips accents, as the
/// encoder was trained (otherwise "Zürich" becomes [UNK]). The normalization is done by
/// <see cref="TextNormalizer"/>, not by the library: the library reports offsets into its normalized text,
/// which no longer index the original once characters are dropped or expanded (combining marks, joiners,
/// ligatures); our normalizer keeps a map back to the original, so token spans cover the same original
/// characters whatever the normalization did. Thread-safe.
/// </summary>
public sealed class TextTokenizer
{
    /// <summary>
    /// Changes whenever this class's behaviour changes (normalization, truncation), so caches keyed on
    /// tokenized text are not reused across versions.
    /// </summary>
    public const int BehaviourVersion = 3;

    private readonly BertTokenizer _tokenizer;
    private readonly TextNormalizer _normalizer;

    public TextTokenizer(string vocabularyPath, bool uncased)
    {
        var options = new BertOptions
        {
            LowerCaseBeforeTokenization = uncased,
            RemoveNonSpacingMarks = uncased,
            // BERT spaces CJK characters apart; it never did here (the library's offsets pointed into the longer
            // text), and the heads were trained without it. TextNormalizer does not do it either.
            IndividuallyTokenizeCjk = false,
        };
        // The library's normalizer is bypassed (considerNormalization: false) and TextNormalizer does the same
        // work with a map back to the original text; the options are still set to match the vocabulary.
        _tokenizer = BertTokenizer.Create(vocabularyPath, options);
        _normalizer = new TextNormalizer(uncased, ReadVocabulary(vocabularyPath));
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

        var normalized = _normalizer.Normalize(text);
        var tokens = Encode(normalized);
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

        var positions = kept + 2;
        var ids = new long[positions];
        var starts = new int[positions];
        var ends = new int[positions];
        var wordIndex = new int[positions];
        var words = new List<TextSpan>();
        var firstTokens = new List<int>();
        ids[0] = ClsId;
        wordIndex[0] = -1;
        for (var i = 0; i < kept; i++)
        {
            var token = tokens[i];
            var position = i + 1;
            // Offsets come from the library and index the normalized text; clamp them so a surprise in its
            // pre-tokenization can never produce a span outside it, then map them to the original.
            var length = normalized.Text.Length;
            var normalizedStart = Math.Clamp(token.Offset.Start.GetOffset(length), 0, length);
            var normalizedEnd = Math.Clamp(token.Offset.End.GetOffset(length), normalizedStart, length);
            var (start, end) = normalized.ToOriginal(normalizedStart, normalizedEnd);
            ids[position] = token.Id;
            starts[position] = start;
            ends[position] = end;
            var continues = i > 0 && token.Value.StartsWith("##", StringComparison.Ordinal);
            if (!continues)
            {
                words.Add(new TextSpan(start, end));
                firstTokens.Add(position);
            }
            else
            {
                var last = words[^1];
                words[^1] = last with { End = Math.Max(last.End, end) };
            }

            wordIndex[position] = words.Count - 1;
        }

        ids[positions - 1] = SepId;
        wordIndex[positions - 1] = -1;
        var endOfText = kept > 0 ? ends[kept] : 0;
        starts[positions - 1] = ends[positions - 1] = endOfText;

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

    private IReadOnlyList<EncodedToken> Encode(NormalizedText normalized) =>
        _tokenizer.EncodeToTokens(normalized.Text, out _, considerPreTokenization: true, considerNormalization: false);

    private static HashSet<string> ReadVocabulary(string vocabularyPath) =>
        File.ReadLines(vocabularyPath).Select(line => line.TrimEnd('\r', '\n')).Where(line => line.Length > 0).ToHashSet(StringComparer.Ordinal);

    /// <summary>Number of positions the text would take, [CLS] and [SEP] included, before any limit.</summary>
    public int CountTokens(string text) => Encode(_normalizer.Normalize(text)).Count + 2;
}
