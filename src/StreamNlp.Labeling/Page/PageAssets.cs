namespace StreamNlp.Labeling.Page;

/// <summary>The page's files, embedded in this assembly (read once): nothing is read from disk or the network.</summary>
public sealed class PageAssets
{
    /// <summary>
    /// Everything the page loads comes from this host; the browser refuses anything else (no CDN, no fonts, no
    /// trackers), and inline script is refused too.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public PageAssets()
    {
        Index = Read("index.html");
        Script = Read("app.js");
        Style = Read("app.css");
    }

    public byte[] Index { get; }

    public byte[] Script { get; }

    public byte[] Style { get; }

    private static byte[] Read(string name)
    {
        var resource = $"StreamNlp.Labeling.Page.{name}";
        using var stream = typeof(PageAssets).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The page file {resource} is not embedded in {typeof(PageAssets).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
