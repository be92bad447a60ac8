using System.Text.Json;

namespace StreamNlp.Core.Contracts;

/// <summary>Reading the fields input and feedback messages share.</summary>
public static class JsonFields
{
    /// <summary>
    /// The optional <c>"id"</c> of a message: a string, or a number kept as written; absent or null gives
    /// null. Returns false with a detail when it is anything else.
    /// </summary>
    public static bool TryReadId(JsonElement root, out string? id, out string errorDetail)
    {
        id = null;
        errorDetail = "";
        if (!root.TryGetProperty("id", out var element))
        {
            return true;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                id = element.GetString();
                return true;
            case JsonValueKind.Number:
                id = element.GetRawText();
                return true;
            case JsonValueKind.Null:
                return true;
            default:
                errorDetail = $"\"id\" must be a string or a number, not a JSON {KindName(element)}";
                return false;
        }
    }

    /// <summary>How a JSON value's kind reads in an error message (<c>boolean</c> rather than <c>true</c>).</summary>
    public static string KindName(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        var kind => kind.ToString().ToLowerInvariant(),
    };
}
