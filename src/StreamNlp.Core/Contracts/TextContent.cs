using System.Globalization;

namespace StreamNlp.Core.Contracts;

/// <summary>What counts as text worth enriching.</summary>
public static class TextContent
{
    /// <summary>
    /// True when <paramref name="text"/> has nothing to analyse: it is empty or made only of white space,
    /// control characters (NUL, …) and invisible format characters (zero-width space and joiners, BOM,
    /// direction marks). The tokenizer drops all of these, so such a text would be enriched as nothing.
    /// </summary>
    public static bool IsBlank(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            var category = char.GetUnicodeCategory(c);
            if (category is not (UnicodeCategory.Control or UnicodeCategory.Format))
            {
                return false;
            }
        }

        return true;
    }
}
