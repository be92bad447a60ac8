using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace StreamNlp.Models.Encoders;

/// <summary>
/// Finds encoders by name: the published encoder (<see cref="EncoderDescriptor.MiniLmL6V2"/>), or an adapted one
/// defined in a folder <c>&lt;encoders folder&gt;/&lt;name&gt;/encoder.json</c>. The shipped adapted encoders live in
/// <see cref="ShippedDirectory"/> (copied beside the binaries from the repository's <c>models/encoders/</c>).
/// </summary>
public static class AdaptedEncoderCatalog
{
    /// <summary>The folder of shipped adapted encoder definitions beside the binaries.</summary>
    public static string ShippedDirectory => Path.Combine(AppContext.BaseDirectory, "models", "encoders");

    public static void WriteDefinition(string folder, AdaptedEncoderDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, AdaptedEncoderDefinition.FileName), JsonSerializer.Serialize(definition, EncoderJsonContext.Default.AdaptedEncoderDefinition));
    }

    public static AdaptedEncoderDefinition ReadDefinition(string folder)
    {
        var path = Path.Combine(folder, AdaptedEncoderDefinition.FileName);
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), EncoderJsonContext.Default.AdaptedEncoderDefinition)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid adapted encoder definition: {ex.Message}", ex);
        }
    }

    /// <summary>The names of the adapted encoders defined under <paramref name="encodersDirectory"/>.</summary>
    public static IReadOnlyList<string> Names(string encodersDirectory) =>
        Directory.Exists(encodersDirectory)
            ? [.. Directory.EnumerateDirectories(encodersDirectory)
                .Where(d => File.Exists(Path.Combine(d, AdaptedEncoderDefinition.FileName)))
                .Select(Path.GetFileName)
                .OfType<string>()
                .Order(StringComparer.Ordinal)]
            : [];

    /// <summary>Every encoder name <see cref="Resolve"/> accepts: the published encoder, then the adapted ones defined under <paramref name="encodersDirectory"/>.</summary>
    public static IReadOnlyList<string> KnownNames(string? encodersDirectory = null) =>
        [EncoderNames.Published, .. Names(encodersDirectory ?? ShippedDirectory)];

    /// <summary>Whether <paramref name="name"/> is one of <see cref="KnownNames"/> (the published name in any case).</summary>
    public static bool IsKnown(string? name, string? encodersDirectory = null) =>
        !string.IsNullOrWhiteSpace(name)
        && (string.Equals(name, EncoderNames.Published, StringComparison.OrdinalIgnoreCase)
            || KnownNames(encodersDirectory).Contains(name, StringComparer.Ordinal));

    /// <summary>
    /// The verified fp32 files of encoder <paramref name="name"/>: the published encoder by its name, or an adapted
    /// encoder from <paramref name="encodersDirectory"/> (default <see cref="ShippedDirectory"/>), built at first use.
    /// An unknown name is refused with the names that exist.
    /// </summary>
    public static EncoderFiles Resolve(string name, EncoderCache cache, string? encodersDirectory = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var published = EncoderDescriptor.MiniLmL6V2;
        if (string.IsNullOrWhiteSpace(name) || string.Equals(name, published.Name, StringComparison.OrdinalIgnoreCase))
        {
            return cache.Ensure(published);
        }

        if (!IsKnown(name, encodersDirectory))
        {
            throw new ArgumentException($"Unknown encoder '{name}'. Known: {string.Join(", ", KnownNames(encodersDirectory))}.", nameof(name));
        }

        var folder = Path.Combine(encodersDirectory ?? ShippedDirectory, name);

        var definition = ReadDefinition(folder);
        if (!string.Equals(definition.BaseEncoder, published.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"Adapted encoder '{name}' starts from '{definition.BaseEncoder}', which is not a known published encoder.");
        }

        return new AdaptedEncoderBuilder(cache.Directory, logger).Ensure(cache.Ensure(published), definition, folder);
    }
}
