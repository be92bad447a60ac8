using System.Text.Json;

namespace StreamNlp.Core.Contracts;

/// <summary>
/// Turns an input topic's value into a text to enrich. A value whose first non-blank character is
/// <c>{</c> is JSON <c>{"id"?: string|number, "text": string, …}</c>; anything else is plain UTF-8
/// text. Every way a value can be unusable gets its own reason code, so a dead letter says why.
/// </summary>
public static class InputParser
{
    /// <summary>
    /// Deepest nesting accepted in an input. Its fields come back two levels down in the enriched record
    /// (record, metadata), so 62 keeps every record within the 64 levels that common JSON readers
    /// (System.Text.Json, Jackson's default) accept; deeper input is dead-lettered as invalid JSON.
    /// </summary>
    public const int MaxDepth = 62;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    public static InputParseResult Parse(ReadOnlySpan<byte> value, int maxBytes)
    {
        if (!Utf8Payload.TryDecode(value, maxBytes, "StreamNlp:Input:MaxMessageBytes", out var decoded, out var code, out var detail))
        {
            return InputParseResult.Invalid(code, detail);
        }

        if (TextContent.IsBlank(decoded))
        {
            return InputParseResult.Invalid(InputErrors.EmptyText, "text is empty or only white space, control or invisible format characters");
        }

        return decoded.AsSpan().TrimStart()[0] == '{' ? ParseJson(decoded) : InputParseResult.Valid(decoded, null, null);
    }

    private static InputParseResult ParseJson(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return InputParseResult.Invalid(InputErrors.InvalidJson, $"value starts with '{{' but is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (JsonUnicodeCheck.FindInvalidString(root) is { } path)
            {
                return InputParseResult.Invalid(InputErrors.InvalidUnicode, $"the JSON string at {path} escapes a lone UTF-16 surrogate (e.g. \\ud800), which is not text");
            }

            if (!root.TryGetProperty("text", out var textElement))
            {
                return InputParseResult.Invalid(InputErrors.MissingText, "JSON object has no \"text\" field");
            }

            if (textElement.ValueKind != JsonValueKind.String)
            {
                return InputParseResult.Invalid(InputErrors.TextNotString, $"\"text\" is a JSON {JsonFields.KindName(textElement)}, not a string");
            }

            var text = textElement.GetString()!;
            if (TextContent.IsBlank(text))
            {
                return InputParseResult.Invalid(InputErrors.EmptyText, "\"text\" is empty or only white space, control or invisible format characters");
            }

            if (!JsonFields.TryReadId(root, out var id, out var idError))
            {
                return InputParseResult.Invalid(InputErrors.InvalidId, idError);
            }

            Dictionary<string, JsonElement>? metadata = null;
            foreach (var property in root.EnumerateObject())
            {
                if (property.NameEquals("text") || property.NameEquals("id"))
                {
                    continue;
                }

                metadata ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                metadata[property.Name] = property.Value.Clone();
            }

            return InputParseResult.Valid(text, id, metadata);
        }
    }
}
