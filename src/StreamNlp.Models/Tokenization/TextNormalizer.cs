using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace StreamNlp.Models.Tokenization;

/// <summary>
/// BERT's text normalization, done here one original character at a time so that every normalized character
/// remembers which characters of the original it came from (<see cref="NormalizedText"/>).
/// Microsoft.ML.Tokenizers normalizes the whole string and reports token offsets into its result, which drift
/// one place to the left for every character it drops (issue 12: the decomposed "Beyonce\u0301 Knowles"
/// came out as "Beyoncé Knowle").
/// </summary>
/// <remarks>
/// <para>Per Unicode scalar, in order:</para>
/// <list type="bullet">
/// <item>U+0000 and U+FFFD (and unpaired surrogates) are dropped; whitespace (CR, LF, tab, NBSP…) and the
/// zero-width space (an invisible word break) become a space, so CRLF still separates words; other control
/// and format characters (zero-width joiner and non-joiner, soft hyphen, word joiner, BOM) are dropped, as
/// BERT's own cleanup does, so a joiner or soft hyphen inside a word leaves one word.</item>
/// <item>A character the vocabulary does not contain at all (neither <c>c</c> nor <c>##c</c> after the steps
/// below) is replaced by its compatibility decomposition (NFKD): fullwidth "Ｐａｒｉｓ" reads as "paris", "ﬃ"
/// as "ffi", instead of one [UNK] for the whole word. Characters the vocabulary knows ("ﬁ", "…", "½", "µ")
/// are left alone, so the ids the encoder was trained on do not change.</item>
/// <item>For an uncased vocabulary: canonical decomposition (NFD, from <see cref="UnicodeDecompositions"/>
/// because <see cref="string.Normalize()"/> does nothing under InvariantGlobalization), combining marks
/// (Mn, Mc) dropped, upper- and title-case letters lower-cased: a composed "Zürich" and a decomposed
/// "Zu\u0308rich" both read as "zurich".</item>
/// </list>
/// <para>The map is kept per grapheme cluster (what a reader sees as one character): a character dropped
/// inside a cluster (a combining mark, a joiner) is added to the span of the character before it, so a
/// word's span ends after its last accent; a cluster that produces nothing (a lone zero-width space)
/// belongs to no token. CJK characters are not spaced apart (kept as before, so their ids do not move).</para>
/// </remarks>
public sealed class TextNormalizer
{
    /// <summary>ASCII that needs no map: printable characters and the ASCII whitespace controls.</summary>
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Select(i => (char)i), '\t', '\n', '\v', '\f', '\r']);

    private const int ZeroWidthSpace = 0x200B;

    private readonly bool _uncased;
    private readonly FrozenDictionary<int, string> _folds;

    /// <param name="uncased">Lower-case and strip accents, as an uncased BERT vocabulary expects.</param>
    /// <param name="vocabulary">The WordPiece vocabulary; decides which compatibility characters are folded.</param>
    public TextNormalizer(bool uncased, IReadOnlySet<string> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        _uncased = uncased;
        _folds = FrozenDictionary<int, string>.Empty;
        _folds = FindFolds(vocabulary);
    }

    /// <summary>Normalizes <paramref name="text"/> and maps every normalized character back to it.</summary>
    public NormalizedText Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAnyExcept(PlainAscii))
        {
            // Nothing is dropped or expanded: same length, same positions.
            var plain = string.Create(text.Length, (text, _uncased), static (destination, state) =>
            {
                for (var i = 0; i < state.text.Length; i++)
                {
                    var c = state.text[i];
                    destination[i] = c < ' ' ? ' ' : state._uncased ? char.ToLowerInvariant(c) : c;
                }
            });
            return new NormalizedText(text, plain, null, null);
        }

        var normalized = new StringBuilder(text.Length);
        var starts = new List<int>(text.Length);
        var ends = new List<int>(text.Length);
        var position = 0;
        while (position < text.Length)
        {
            var clusterEnd = position + StringInfo.GetNextTextElementLength(text.AsSpan(position));
            var pendingStart = -1; // characters dropped at the start of the cluster join the next one kept
            var lastProduced = -1; // first normalized character of the last original character kept
            var i = position;
            while (i < clusterEnd)
            {
                Rune.DecodeFromUtf16(text.AsSpan(i, clusterEnd - i), out var rune, out var consumed);
                var end = i + consumed;
                var before = normalized.Length;
                Append(rune, normalized);
                if (normalized.Length == before)
                {
                    if (lastProduced >= 0)
                    {
                        for (var k = lastProduced; k < ends.Count; k++)
                        {
                            ends[k] = end;
                        }
                    }
                    else if (pendingStart < 0)
                    {
                        pendingStart = i;
                    }
                }
                else
                {
                    var start = pendingStart >= 0 ? pendingStart : i;
                    pendingStart = -1;
                    for (var k = before; k < normalized.Length; k++)
                    {
                        starts.Add(start);
                        ends.Add(end);
                    }

                    lastProduced = before;
                }

                i = end;
            }

            position = clusterEnd;
        }

        return new NormalizedText(text, normalized.ToString(), [.. starts], [.. ends]);
    }

    private void Append(Rune rune, StringBuilder destination)
    {
        if (rune.Value is 0 or 0xFFFD)
        {
            return;
        }

        if (Rune.IsWhiteSpace(rune) || rune.Value == ZeroWidthSpace)
        {
            destination.Append(' ');
            return;
        }

        if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format)
        {
            return;
        }

        if (_folds.TryGetValue(rune.Value, out var folded))
        {
            AppendAll(folded, destination);
        }
        else if (_uncased && UnicodeDecompositions.TryGetCanonical(rune, out var decomposed))
        {
            AppendAll(decomposed, destination);
        }
        else
        {
            AppendDecomposed(rune, destination);
        }
    }

    private void AppendAll(string decomposition, StringBuilder destination)
    {
        foreach (var rune in decomposition.EnumerateRunes())
        {
            AppendDecomposed(rune, destination);
        }
    }

    /// <summary>Appends one already decomposed scalar: marks dropped and letters lower-cased when uncased.</summary>
    private void AppendDecomposed(Rune rune, StringBuilder destination)
    {
        if (_uncased)
        {
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark:
                    return;
                case UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter:
                    rune = Rune.ToLowerInvariant(rune);
                    break;
            }
        }

        Span<char> chars = stackalloc char[2];
        destination.Append(chars[..rune.EncodeToUtf16(chars)]);
    }

    /// <summary>
    /// Compatibility characters whose ordinary normalization the vocabulary cannot spell (some resulting
    /// character is neither a token nor a "##" continuation): these, and only these, are folded to NFKD.
    /// </summary>
    private FrozenDictionary<int, string> FindFolds(IReadOnlySet<string> vocabulary)
    {
        var folds = new Dictionary<int, string>();
        var plain = new StringBuilder();
        foreach (var codePoint in UnicodeDecompositions.CompatibilityCodePoints)
        {
            var rune = new Rune(codePoint);
            plain.Clear();
            Append(rune, plain);
            var known = true;
            foreach (var part in plain.ToString().EnumerateRunes())
            {
                var piece = part.ToString();
                if (part.Value != ' ' && !vocabulary.Contains(piece) && !vocabulary.Contains("##" + piece))
                {
                    known = false;
                    break;
                }
            }

            if (!known && UnicodeDecompositions.TryGetCompatibility(rune, out var decomposition))
            {
                folds[codePoint] = decomposition;
            }
        }

        return folds.ToFrozenDictionary();
    }
}
