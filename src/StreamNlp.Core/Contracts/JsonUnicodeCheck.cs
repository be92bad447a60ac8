using System.Text.Json;

namespace StreamNlp.Core.Contracts;

/// <summary>
/// Finds JSON strings that are not text. JSON's grammar allows an escape for a lone UTF-16 surrogate
/// (<c>"\ud800"</c>, or <c>"\udc00\ud800"</c> reversed), but no string can hold one as text:
/// <see cref="JsonElement.GetString"/> throws on it and so does every writer. A value that holds one
/// anywhere (a field name, the text, the id, metadata nested at any depth) is rejected as a whole
/// at parse time, so nothing later — reading, serialising the enriched record — meets it.
/// </summary>
public static class JsonUnicodeCheck
{
    /// <summary>The JSON path of the first string or field name that is not valid UTF-16, or null when all are.</summary>
    public static string? FindInvalidString(JsonElement element) => Find(element, "$");

    private static string? Find(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsText(() => element.GetString()) ? null : path;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return $"{path} (a field name)";
                    }

                    if (Find(property.Value, $"{path}.{name}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool IsText(Func<string?> read)
    {
        try
        {
            _ = read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
