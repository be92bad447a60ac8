namespace StreamNlp.Cli.Commands;

/// <summary>
/// Where <c>streamnlp run</c> leaves the bootstrap servers of the broker it uses, so that
/// <c>produce</c>, <c>consume</c> and other clients (kcat) can find it.
/// </summary>
internal static class BootstrapFileStore
{
    public static string DefaultPath => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".streamnlp", "bootstrap");

    public static void Write(string path, string servers)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, servers + "\n");
    }

    /// <summary>The explicit servers, else the file's content; a clear error when neither exists.</summary>
    public static string Resolve(string? explicitServers, string path)
    {
        if (!string.IsNullOrWhiteSpace(explicitServers))
        {
            return explicitServers.Trim();
        }

        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } servers)
        {
            return servers;
        }

        throw new CliException($"No --bootstrap given and no bootstrap file at {path}. Start `streamnlp run` first, or pass --bootstrap HOST:PORT.");
    }
}
