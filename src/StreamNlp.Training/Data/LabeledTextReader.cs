using System.Text.Json;

namespace StreamNlp.Training.Data;

/// <summary>
/// Reads JSON Lines files with one <c>{"text": "...", "label": "..."}</c> object per line (other properties are
/// ignored; blank lines are skipped). A label given as a JSON number is read as its text, e.g. <c>1</c> → "1".
/// </summary>
public static class LabeledTextReader
{
    /// <summary>Reads every example of the file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">A line is not a JSON object with a string <c>text</c> and a
    /// non-empty <c>label</c>; the message names the file and the 1-based line.</exception>
    public static IReadOnlyList<LabeledText> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    /// <summary>Reads every example from <paramref name="reader"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public static IReadOnlyList<LabeledText> Read(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var examples = new List<LabeledText>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            examples.Add(ParseLine(line, sourceName, lineNumber));
        }

        return examples;
    }

    private static LabeledText ParseLine(string line, string sourceName, int lineNumber)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException exception)
        {
            throw Error(sourceName, lineNumber, $"not valid JSON ({exception.Message})", exception);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(sourceName, lineNumber, $"expected a JSON object, found {root.ValueKind}");
            }

            if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw Error(sourceName, lineNumber, "missing string property \"text\"");
            }

            if (!root.TryGetProperty("label", out var label))
            {
                throw Error(sourceName, lineNumber, "missing property \"label\"");
            }

            var labelText = label.ValueKind switch
            {
                JsonValueKind.String => label.GetString(),
                JsonValueKind.Number => label.GetRawText(),
                _ => throw Error(sourceName, lineNumber, $"\"label\" must be a string or a number, found {label.ValueKind}"),
            };
            if (string.IsNullOrWhiteSpace(labelText))
            {
                throw Error(sourceName, lineNumber, "\"label\" is empty");
            }

            return new LabeledText(text.GetString()!, labelText);
        }
    }

    private static InvalidDataException Error(string sourceName, int lineNumber, string problem, Exception? inner = null) =>
        new($"{sourceName}, line {lineNumber}: {problem}.", inner);
}
