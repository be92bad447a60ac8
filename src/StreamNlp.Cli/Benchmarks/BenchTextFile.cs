using System.Text.Json;
using StreamNlp.Cli.Commands;
using StreamNlp.Core.Contracts;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// The texts a benchmark sends: a JSONL file with a <c>"text"</c> string per line (the format of the
/// labelled data sets, so any of them can be benchmarked as is). A bad line stops the run with its file and
/// line number: a benchmark that silently skipped lines would measure a different text mix than asked for.
/// </summary>
internal static class BenchTextFile
{
    /// <summary>The shipped sample: the first 500 rows of the public AG News dev sample (news of varied length).</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "Benchmarks", "news-sample.jsonl");

    /// <summary>Every non-blank line's text, in file order.</summary>
    public static IReadOnlyList<string> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"{path}: no such file.");
        }

        var texts = new List<string>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                texts.Add(ParseLine(path, lineNumber, line));
            }
        }

        if (texts.Count == 0)
        {
            throw new CliException($"{path}: no texts (expected one JSON object with a \"text\" string per line).");
        }

        return texts;
    }

    /// <summary>The text of one JSONL line; a <see cref="CliException"/> naming the file and line otherwise.</summary>
    public static string ParseLine(string path, int lineNumber, string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new CliException($"{path} line {lineNumber}: not valid JSON ({ex.Message}).");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CliException($"{path} line {lineNumber}: a JSON {JsonFields.KindName(root)}, expected an object with a \"text\" string.");
            }

            if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw new CliException($"{path} line {lineNumber}: no \"text\" string field.");
            }

            var value = text.GetString()!;
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new CliException($"{path} line {lineNumber}: \"text\" is empty.");
            }

            return value;
        }
    }

    /// <summary>
    /// <paramref name="count"/> texts starting at <paramref name="start"/>, cycling through
    /// <paramref name="texts"/> when it runs out, so any message count can be sent from a small file.
    /// </summary>
    public static IReadOnlyList<string> Cycle(IReadOnlyList<string> texts, int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfZero(texts.Count);
        var result = new string[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = texts[(start + i) % texts.Count];
        }

        return result;
    }
}
