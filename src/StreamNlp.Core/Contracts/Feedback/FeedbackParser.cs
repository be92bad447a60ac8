using System.Text;
using System.Text.Json;
using StreamNlp.Core.Tasks;

namespace StreamNlp.Core.Contracts.Feedback;

/// <summary>
/// Turns a feedback topic's value into a <see cref="FeedbackExample"/>. The value is a JSON object:
/// <c>{"task": "classification"|"sentiment", "text": …, "label": …}</c> or
/// <c>{"task": "ner", "text": …, "entities": [{"start": …, "end": …, "label": …}]}</c>, each with an optional
/// <c>"id"</c> (string or number) and <c>"source"</c> (string). Other fields are ignored. A label the model
/// has never seen is valid: the retrainer extends the label set. Every way a value can be unusable gets
/// its own reason code (<see cref="FeedbackErrors"/>), so a dead letter says why.
/// </summary>
public static class FeedbackParser
{
    // Two "label" (or "text") fields would make the example ambiguous, so duplicates are invalid JSON here.
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false };

    public static FeedbackParseResult Parse(ReadOnlySpan<byte> value, int maxBytes)
    {
        if (!Utf8Payload.TryDecode(value, maxBytes, "feedback size limit", out var decoded, out var code, out var detail))
        {
            return FeedbackParseResult.Invalid(code, detail);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(decoded, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return FeedbackParseResult.Invalid(FeedbackErrors.InvalidJson, $"value is not valid JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            // The duplicate-field check reads every field name as text, and throws this for one that escapes a lone surrogate.
            return FeedbackParseResult.Invalid(FeedbackErrors.InvalidUnicode, $"a JSON field name escapes a lone UTF-16 surrogate (e.g. \\ud800), which is not text: {ex.Message}");
        }

        using (document)
        {
            return ParseObject(document.RootElement);
        }
    }

    private static FeedbackParseResult ParseObject(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return FeedbackParseResult.Invalid(FeedbackErrors.NotAnObject, $"value is a JSON {JsonFields.KindName(root)}, not an object");
        }

        if (JsonUnicodeCheck.FindInvalidString(root) is { } path)
        {
            return FeedbackParseResult.Invalid(FeedbackErrors.InvalidUnicode, $"the JSON string at {path} escapes a lone UTF-16 surrogate (e.g. \\ud800), which is not text");
        }

        if (!root.TryGetProperty("task", out var taskElement) || taskElement.ValueKind != JsonValueKind.String)
        {
            var found = taskElement.ValueKind == JsonValueKind.Undefined ? "there is no \"task\" field" : $"\"task\" is a JSON {JsonFields.KindName(taskElement)}";
            return FeedbackParseResult.Invalid(FeedbackErrors.UnknownTask, $"{found}; expected \"classification\", \"sentiment\" or \"ner\"");
        }

        var taskName = taskElement.GetString();
        if (!NlpTaskNames.TryParse(taskName, out var task))
        {
            return FeedbackParseResult.Invalid(FeedbackErrors.UnknownTask, $"task \"{taskName}\" is unknown; expected \"classification\", \"sentiment\" or \"ner\"");
        }

        if (!root.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String)
        {
            var found = textElement.ValueKind == JsonValueKind.Undefined ? "there is no \"text\" field" : $"\"text\" is a JSON {JsonFields.KindName(textElement)}, not a string";
            return FeedbackParseResult.Invalid(FeedbackErrors.MissingText, found);
        }

        var text = textElement.GetString()!;
        if (TextContent.IsBlank(text))
        {
            return FeedbackParseResult.Invalid(FeedbackErrors.EmptyText, "\"text\" is empty or only white space, control or invisible format characters");
        }

        string? label = null;
        IReadOnlyList<FeedbackEntity>? entities = null;
        if (task == NlpTask.Ner)
        {
            var entitiesResult = ParseEntities(root, text);
            if (entitiesResult.Error is not null)
            {
                return entitiesResult.Error;
            }

            entities = entitiesResult.Entities;
        }
        else
        {
            if (!root.TryGetProperty("label", out var labelElement) || labelElement.ValueKind != JsonValueKind.String
                || TextContent.IsBlank(labelElement.GetString()))
            {
                var found = labelElement.ValueKind switch
                {
                    JsonValueKind.Undefined => "there is no \"label\" field",
                    JsonValueKind.String => "\"label\" is empty or only whitespace",
                    _ => $"\"label\" is a JSON {JsonFields.KindName(labelElement)}, not a string",
                };
                return FeedbackParseResult.Invalid(FeedbackErrors.MissingLabel, $"a {task.ToName()} example needs a non-empty string \"label\"; {found}");
            }

            label = labelElement.GetString()!.Trim();
        }

        if (!JsonFields.TryReadId(root, out var id, out var idError))
        {
            return FeedbackParseResult.Invalid(FeedbackErrors.InvalidId, idError);
        }

        string? source = null;
        if (root.TryGetProperty("source", out var sourceElement))
        {
            switch (sourceElement.ValueKind)
            {
                case JsonValueKind.String:
                    source = sourceElement.GetString()!.Trim();
                    source = source.Length == 0 ? null : source;
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    return FeedbackParseResult.Invalid(FeedbackErrors.InvalidSource, $"\"source\" must be a string, not a JSON {JsonFields.KindName(sourceElement)}");
            }
        }

        return FeedbackParseResult.Valid(new FeedbackExample(task, text, label, entities, id, source));
    }

    private static (IReadOnlyList<FeedbackEntity>? Entities, FeedbackParseResult? Error) ParseEntities(JsonElement root, string text)
    {
        if (!root.TryGetProperty("entities", out var entitiesElement) || entitiesElement.ValueKind != JsonValueKind.Array)
        {
            var found = entitiesElement.ValueKind == JsonValueKind.Undefined
                ? "there is no \"entities\" field"
                : $"\"entities\" is a JSON {JsonFields.KindName(entitiesElement)}, not an array";
            return (null, FeedbackParseResult.Invalid(FeedbackErrors.MissingEntities, $"an ner example needs an \"entities\" array (empty when the text has none); {found}"));
        }

        var entities = new List<FeedbackEntity>(entitiesElement.GetArrayLength());
        var index = 0;
        foreach (var element in entitiesElement.EnumerateArray())
        {
            var entity = ParseEntity(element, index, text.Length, out var error);
            if (error is not null)
            {
                return (null, error);
            }

            entities.Add(entity!);
            index++;
        }

        entities.Sort(static (left, right) => left.Start != right.Start ? left.Start.CompareTo(right.Start) : left.End.CompareTo(right.End));
        for (var i = 1; i < entities.Count; i++)
        {
            var previous = entities[i - 1];
            var current = entities[i];
            if (current.Start < previous.End)
            {
                return (null, FeedbackParseResult.Invalid(
                    FeedbackErrors.SpansOverlap,
                    $"entity [{previous.Start},{previous.End}) {previous.Label} overlaps entity [{current.Start},{current.End}) {current.Label}"));
            }
        }

        return (entities, null);
    }

    private static FeedbackEntity? ParseEntity(JsonElement element, int index, int textLength, out FeedbackParseResult? error)
    {
        error = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = FeedbackParseResult.Invalid(FeedbackErrors.InvalidEntity, $"entities[{index}] is a JSON {JsonFields.KindName(element)}, not an object");
            return null;
        }

        if (!TryGetInteger(element, "start", out var start) || !TryGetInteger(element, "end", out var end))
        {
            error = FeedbackParseResult.Invalid(FeedbackErrors.InvalidEntity, $"entities[{index}] needs integer \"start\" and \"end\" (UTF-16 offsets, end exclusive)");
            return null;
        }

        if (!element.TryGetProperty("label", out var labelElement) || labelElement.ValueKind != JsonValueKind.String
            || TextContent.IsBlank(labelElement.GetString()))
        {
            error = FeedbackParseResult.Invalid(FeedbackErrors.InvalidEntity, $"entities[{index}] needs a non-empty string \"label\" (an entity type such as PER)");
            return null;
        }

        var label = labelElement.GetString()!.Trim();
        if (label.StartsWith("B-", StringComparison.OrdinalIgnoreCase) || label.StartsWith("I-", StringComparison.OrdinalIgnoreCase))
        {
            error = FeedbackParseResult.Invalid(
                FeedbackErrors.InvalidEntity,
                $"entities[{index}] label \"{label}\" is a BIO tag; give the entity type (\"{label[2..]}\") and the whole span instead");
            return null;
        }

        if (start < 0 || end > textLength || start >= end)
        {
            // Compared as long, so an offset beyond int's range is out of range rather than "not an integer".
            error = FeedbackParseResult.Invalid(
                FeedbackErrors.SpanOutOfRange,
                $"entities[{index}] span [{start},{end}) is not a non-empty range within the text's {textLength} UTF-16 characters");
            return null;
        }

        return new FeedbackEntity((int)start, (int)end, label);
    }

    private static bool TryGetInteger(JsonElement element, string name, out long value)
    {
        value = 0;
        return element.TryGetProperty(name, out var property)
            && property.ValueKind == JsonValueKind.Number
            && property.TryGetInt64(out value);
    }

}
