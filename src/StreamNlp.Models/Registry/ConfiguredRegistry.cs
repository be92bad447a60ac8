using StreamNlp.Models.Configuration;

namespace StreamNlp.Models.Registry;

/// <summary>
/// The model registry a host uses: <c>StreamNlp:Models:Directory</c>, else the per-user default,
/// seeded from the models shipped beside the application for every task it lacks.
/// </summary>
public static class ConfiguredRegistry
{
    /// <summary>The folder of models shipped with the application (read-only: only ever copied from).</summary>
    public static string ShippedModelsDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>The registry used when none is configured: <c>$XDG_DATA_HOME/streamnlp/models</c> or <c>~/.local/share/streamnlp/models</c>.</summary>
    public static string DefaultDirectory => Path.Combine(Core.Storage.UserDataDirectory.Root, "models");

    /// <summary>The configured registry folder, or <see cref="DefaultDirectory"/>.</summary>
    public static string PathOf(ModelOptions options) =>
        string.IsNullOrWhiteSpace(options.Directory) ? DefaultDirectory : options.Directory;

    /// <summary>
    /// Opens the configured registry (default <see cref="DefaultDirectory"/>), creating it and seeding
    /// every task it lacks from the models shipped with the application. The registry is writable: the
    /// retrainer adds versions to it, so it never lives inside the application folder.
    /// </summary>
    public static ModelRegistry Open(ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var registry = new ModelRegistry(PathOf(options));
        Directory.CreateDirectory(registry.Root);
        if (Directory.Exists(ShippedModelsDirectory) && !SamePath(registry.Root, ShippedModelsDirectory))
        {
            registry.SeedFrom(new ModelRegistry(ShippedModelsDirectory));
        }

        return registry;
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);
}
