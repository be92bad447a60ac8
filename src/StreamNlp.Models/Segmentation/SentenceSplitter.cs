using StreamNlp.Models.Tokenization;

namespace StreamNlp.Models.Segmentation;

/// <summary>
/// Cuts text into sentences by rule: after <c>.</c>, <c>!</c>, <c>?</c> or <c>…</c> (any run of them, then any closing
/// quotes or brackets) followed by white space and a capital letter, digit or opening quote; and at every line break.
/// A period after a known abbreviation (<c>Mr.</c>, <c>Inc.</c>, <c>Jan.</c>…), a single capital letter (an initial, as
/// in <c>J. K. Rowling</c>) or a dotted acronym (<c>U.S.</c>) does not end a sentence. Spans are trimmed of white space
/// and never empty; a stretch with no letter or digit (<c>!!!</c>, <c>:)</c>) joins the sentence before it.
/// Hand-written: no sentence segmenter for .NET is served here except ICU4N, which is an alpha release with a large
/// data package; these rules are what the review and news texts need, and they are unit-tested.
/// Lazy: a caller that stops early (the token budget is spent) never scans the rest of a long text.
/// </summary>
public static class SentenceSplitter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "gov", "sen", "rep", "pres", "lt", "col",
        "capt", "cpt", "sgt", "maj", "adm", "rev", "hon", "inc", "corp", "co", "ltd", "plc", "bros", "dept", "univ",
        "vs", "v", "no", "nos", "vol", "pp", "fig", "approx", "est", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
        "e.g", "i.e", "cf", "al", "ave", "blvd", "rd",
    };

    /// <summary>The sentences of <paramref name="text"/>, in order, as trimmed character spans.</summary>
    public static IEnumerable<TextSpan> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        TextSpan? pending = null;
        foreach (var span in Candidates(text))
        {
            if (pending is not { } before)
            {
                pending = span;
            }
            else if (!HasWordCharacter(text, span))
            {
                pending = before with { End = span.End }; // punctuation or an emoticon alone joins the sentence before it
            }
            else if (!HasWordCharacter(text, before))
            {
                pending = span with { Start = before.Start }; // leading punctuation joins the first sentence
            }
            else
            {
                yield return before;
                pending = span;
            }
        }

        if (pending is { } last)
        {
            yield return last;
        }
    }

    /// <summary>Every stretch between two sentence boundaries, trimmed; empty stretches are skipped.</summary>
    private static IEnumerable<TextSpan> Candidates(string text)
    {
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            int end; // exclusive end of the sentence that closes here; -1 when none does
            int next; // where scanning goes on (and, when a sentence closed, where the next one starts)
            if (c is '\n' or '\r' or '\u2028' or '\u2029')
            {
                end = i;
                next = i + 1;
            }
            else if (IsTerminator(c))
            {
                var j = i;
                while (j < text.Length && IsTerminator(text[j]))
                {
                    j++;
                }

                while (j < text.Length && IsCloser(text[j]))
                {
                    j++;
                }

                var k = j;
                while (k < text.Length && text[k] is ' ' or '\t' or '\u00A0')
                {
                    k++;
                }

                var closes = k > j && k < text.Length && StartsSentence(text[k]) && !(c == '.' && j == i + 1 && IsAbbreviation(text, i));
                end = closes ? j : -1;
                next = closes ? k : j;
            }
            else
            {
                i++;
                continue;
            }

            if (end >= 0)
            {
                if (Trim(text, start, end) is { } span)
                {
                    yield return span;
                }

                start = next;
            }

            i = next;
        }

        if (Trim(text, start, text.Length) is { } last)
        {
            yield return last;
        }
    }

    private static bool IsTerminator(char c) => c is '.' or '!' or '?' or '\u2026' or '\u3002';

    private static bool IsCloser(char c) => c is '"' or '\'' or ')' or ']' or '\u201D' or '\u2019' or '\u00BB';

    private static bool StartsSentence(char c) =>
        char.IsUpper(c) || char.IsDigit(c) || c is '"' or '\'' or '(' or '[' or '\u201C' or '\u2018' or '\u00AB';

    /// <summary>Whether the period at <paramref name="period"/> closes an abbreviation, an initial or a dotted acronym.</summary>
    private static bool IsAbbreviation(string text, int period)
    {
        var wordStart = period;
        while (wordStart > 0 && (char.IsLetter(text[wordStart - 1]) || text[wordStart - 1] == '.'))
        {
            wordStart--;
        }

        var word = text.AsSpan(wordStart, period - wordStart);
        if (word.Length == 0)
        {
            return false;
        }

        if (word.Length == 1 && char.IsUpper(word[0]))
        {
            return true; // an initial: "J. K. Rowling"
        }

        if (word.Contains('.'))
        {
            return true; // a dotted acronym: "U.S.", "a.m."
        }

        return Abbreviations.Contains(word.ToString());
    }

    private static TextSpan? Trim(string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return end > start ? new TextSpan(start, end) : null;
    }

    private static bool HasWordCharacter(string text, TextSpan span)
    {
        foreach (var c in text.AsSpan(span.Start, span.Length))
        {
            if (char.IsLetterOrDigit(c))
            {
                return true;
            }
        }

        return false;
    }
}
