using System.Text;
using StreamNlp.Models.Ner;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.Training.Data;

/// <summary>
/// Reads CoNLL-style NER files: one token per line, columns separated by tabs or spaces, the token first and
/// its tag last (two columns <c>token tag</c>, or the CoNLL-2003 release's four <c>token POS chunk tag</c>);
/// blank lines end sentences and <c>-DOCSTART-</c> lines are skipped. Tags come back as IOB2: an <c>I-X</c>
/// that does not continue an <c>X</c> entity (IOB1 style) becomes <c>B-X</c>; IOB2 input is unchanged.
/// </summary>
public static class ConllReader
{
    private const string DocumentStart = "-DOCSTART-";
    private static readonly char[] ColumnSeparators = [' ', '\t'];

    /// <summary>Reads every sentence of the file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">A line has fewer than two columns or a tag that is not
    /// <c>O</c>, <c>B-TYPE</c> or <c>I-TYPE</c>; the message names the file and the 1-based line.</exception>
    public static IReadOnlyList<ConllSentence> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    /// <summary>Reads every sentence from <paramref name="reader"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public static IReadOnlyList<ConllSentence> Read(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var sentences = new List<ConllSentence>();
        var tokens = new List<string>();
        var tags = new List<string>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var columns = line.Split(ColumnSeparators, StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length == 0 || columns[0] == DocumentStart)
            {
                EndSentence(sentences, tokens, tags);
                continue;
            }

            if (columns.Length < 2)
            {
                throw new InvalidDataException(
                    $"{sourceName}, line {lineNumber}: expected 'token tag' or 'token POS chunk tag', found '{line}'.");
            }

            var tag = columns[^1];
            if (!BioTagSet.TryParse(tag, out _, out _))
            {
                throw new InvalidDataException(
                    $"{sourceName}, line {lineNumber}: tag '{tag}' is not O, B-TYPE or I-TYPE.");
            }

            tokens.Add(columns[0]);
            tags.Add(tag);
        }

        EndSentence(sentences, tokens, tags);
        return sentences;
    }

    /// <summary>
    /// Converts IOB1 (or mixed) tags to IOB2: an <c>I-X</c> whose previous tag is neither <c>B-X</c> nor
    /// <c>I-X</c> becomes <c>B-X</c>.
    /// </summary>
    public static string[] ToIob2(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var result = new string[tags.Count];
        string? previousType = null;
        for (var i = 0; i < tags.Count; i++)
        {
            if (!BioTagSet.TryParse(tags[i], out var kind, out var type))
            {
                throw new ArgumentException($"Tag {i} ('{tags[i]}') is not a BIO label.", nameof(tags));
            }

            result[i] = kind == BioTagKind.Inside && !string.Equals(previousType, type, StringComparison.Ordinal)
                ? "B-" + type
                : tags[i];
            previousType = type;
        }

        return result;
    }

    /// <summary>
    /// Joins the tokens of <paramref name="sentence"/> with single spaces and gives each token's character
    /// range in that text.
    /// </summary>
    public static ConllText ToText(ConllSentence sentence)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        var builder = new StringBuilder();
        var spans = new TextSpan[sentence.Tokens.Count];
        for (var i = 0; i < spans.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(' ');
            }

            var start = builder.Length;
            builder.Append(sentence.Tokens[i]);
            spans[i] = new TextSpan(start, builder.Length);
        }

        return new ConllText(builder.ToString(), spans);
    }

    private static void EndSentence(List<ConllSentence> sentences, List<string> tokens, List<string> tags)
    {
        if (tokens.Count == 0)
        {
            return;
        }

        sentences.Add(new ConllSentence(tokens.ToArray(), ToIob2(tags)));
        tokens.Clear();
        tags.Clear();
    }
}
