namespace StreamNlp.Labeling.Api;

/// <summary>
/// The annotator's name from the <c>X-Annotator</c> header: it leases items and goes into the feedback's <c>source</c>.
/// HTTP header values are ASCII, so a name beyond ASCII comes percent-encoded as UTF-8 (<c>Zo%C3%AB</c>; the page does
/// this with <c>encodeURIComponent</c>) and is decoded here.
/// </summary>
public static class AnnotatorName
{
    public const string Header = "X-Annotator";

    public const int MaxLength = 64;

    /// <summary>The <c>source</c> of feedback sent through the page: <c>streamnlp-ui:&lt;annotator&gt;</c>.</summary>
    public static string Source(string annotator) => $"streamnlp-ui:{annotator}";

    /// <summary>The trimmed name, or the reason it is not usable (missing, too long, control characters).</summary>
    public static bool TryRead(string? value, out string name, out string error)
    {
        name = Uri.UnescapeDataString(value ?? "").Trim();
        error = "";
        if (name.Length == 0)
        {
            error = $"the {Header} header (the annotator's name) is missing or empty";
            return false;
        }

        if (name.Length > MaxLength)
        {
            error = $"the {Header} header is {name.Length} characters long; at most {MaxLength}";
            return false;
        }

        if (name.Any(char.IsControl))
        {
            error = $"the {Header} header contains control characters";
            return false;
        }

        return true;
    }
}
