using System.Globalization;
using System.Text.Json;
using StreamNlp.Core.Hashing;
using StreamNlp.Core.Tasks;

namespace StreamNlp.Models.Registry;

/// <summary>
/// Versioned task heads on disk: <c>&lt;root&gt;/&lt;task&gt;/&lt;version&gt;/{head.onnx, manifest.json, …}</c>
/// and a <c>&lt;root&gt;/&lt;task&gt;/current</c> file naming the version that serves. <see cref="Promote"/>
/// switches <c>current</c> with an atomic rename, so a reader sees the old or the new version, never half.
/// </summary>
public sealed class ModelRegistry(string root)
{
    private const string CurrentFileName = "current";

    public string Root { get; } = Path.GetFullPath(root);

    public string TaskDirectory(NlpTask task) => Path.Combine(Root, task.ToName());

    public string VersionDirectory(NlpTask task, string version) => Path.Combine(TaskDirectory(task), version);

    /// <summary>Versions present for a task, oldest first (v1, v2, … sort numerically).</summary>
    public IReadOnlyList<string> Versions(NlpTask task)
    {
        var dir = TaskDirectory(task);
        if (!Directory.Exists(dir))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(dir)
            .Where(d => File.Exists(Path.Combine(d, Heads.HeadContract.ManifestFileName)))
            .Select(Path.GetFileName)
            .OfType<string>()
            .OrderBy(VersionNumber)
            .ThenBy(v => v, StringComparer.Ordinal)];
    }

    /// <summary>The version <c>current</c> names, or null when the task has none.</summary>
    public string? CurrentVersion(NlpTask task)
    {
        var path = Path.Combine(TaskDirectory(task), CurrentFileName);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    /// <summary>The next free version name: one past the highest <c>vN</c>.</summary>
    public string NextVersion(NlpTask task) =>
        "v" + ((Versions(task).Select(VersionNumber).Where(n => n < int.MaxValue).DefaultIfEmpty(0).Max()) + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>Points <c>current</c> at <paramref name="version"/> after checking its files; atomic.</summary>
    public HeadManifest Promote(NlpTask task, string version, string? encoderSha256 = null)
    {
        var manifest = Verify(task, version, encoderSha256);
        var currentPath = Path.Combine(TaskDirectory(task), CurrentFileName);
        var temp = currentPath + $".{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, version + "\n");
        File.Move(temp, currentPath, overwrite: true);
        return manifest;
    }

    /// <summary>Points <c>current</c> at the version before it; returns that version's manifest.</summary>
    public HeadManifest Rollback(NlpTask task, string? encoderSha256 = null)
    {
        var current = CurrentVersion(task) ?? throw new InvalidOperationException($"Task '{task.ToName()}' has no current version to roll back from.");
        var versions = Versions(task);
        var index = versions.ToList().IndexOf(current);
        if (index <= 0)
        {
            throw new InvalidOperationException($"Task '{task.ToName()}' has no version before '{current}' to roll back to.");
        }

        return Promote(task, versions[index - 1], encoderSha256);
    }

    /// <summary>Reads a version's manifest and checks every listed file's SHA-256 (and the encoder, when given).</summary>
    public HeadManifest Verify(NlpTask task, string version, string? encoderSha256 = null) =>
        VerifyDirectory(VersionDirectory(task, version), task, encoderSha256);

    /// <summary>Checks a version folder anywhere (e.g. one just received, before it enters the registry): manifest, task, every file's SHA-256, the encoder.</summary>
    public static HeadManifest VerifyDirectory(string dir, NlpTask task, string? encoderSha256 = null)
    {
        var manifest = ReadManifest(dir);
        if (!string.Equals(manifest.Task, task.ToName(), StringComparison.Ordinal))
        {
            throw new ModelIntegrityException($"{dir}: manifest says task '{manifest.Task}', expected '{task.ToName()}'.");
        }

        if (!manifest.Files.ContainsKey(Heads.HeadContract.FileName))
        {
            throw new ModelIntegrityException($"{dir}: manifest lists no '{Heads.HeadContract.FileName}'.");
        }

        foreach (var (file, expected) in manifest.Files)
        {
            var path = Path.Combine(dir, file);
            if (!File.Exists(path))
            {
                throw new ModelIntegrityException($"{dir}: file '{file}' listed in the manifest is missing.");
            }

            var actual = FileHash.Sha256Of(path);
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelIntegrityException($"{path}: SHA-256 is {actual} but the manifest says {expected}; refusing a modified model.");
            }
        }

        if (encoderSha256 is not null && !string.Equals(manifest.Encoder.Sha256, encoderSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelIntegrityException(
                $"{dir}: head was trained on encoder {manifest.Encoder.Name} ({manifest.Encoder.Sha256}) but the running encoder is {encoderSha256}. " +
                $"Serve it with StreamNlp:Models:Encoder={manifest.Encoder.Name}, or make a version trained on the running encoder current (streamnlp models promote --encoder …).");
        }

        return manifest;
    }

    /// <summary>Writes a manifest (with the hashes of <paramref name="files"/> filled in) into a version folder.</summary>
    public static HeadManifest WriteManifest(string versionDirectory, HeadManifest manifest, IEnumerable<string> files)
    {
        var hashes = files.ToDictionary(f => f, f => FileHash.Sha256Of(Path.Combine(versionDirectory, f)), StringComparer.Ordinal);
        var complete = manifest with { Files = hashes };
        File.WriteAllText(
            Path.Combine(versionDirectory, Heads.HeadContract.ManifestFileName),
            JsonSerializer.Serialize(complete, RegistryJsonContext.Default.HeadManifest));
        return complete;
    }

    public static HeadManifest ReadManifest(string versionDirectory)
    {
        var path = Path.Combine(versionDirectory, Heads.HeadContract.ManifestFileName);
        if (!File.Exists(path))
        {
            throw new ModelIntegrityException($"No manifest at {path}.");
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), RegistryJsonContext.Default.HeadManifest)
                ?? throw new ModelIntegrityException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new ModelIntegrityException($"{path} is not a valid manifest: {ex.Message}");
        }
    }

    /// <summary>
    /// Copies every task that this registry lacks from <paramref name="defaults"/> (the models shipped
    /// with the application), so an empty models directory starts from the defaults: every shipped version of the task
    /// (heads for the published encoder and for the adapted one), with the shipped current version current.
    /// </summary>
    public IReadOnlyList<NlpTask> SeedFrom(ModelRegistry defaults)
    {
        var seeded = new List<NlpTask>();
        foreach (var task in NlpTaskNames.All)
        {
            if (CurrentVersion(task) is not null || defaults.CurrentVersion(task) is not { } version)
            {
                continue;
            }

            foreach (var shippedVersion in defaults.Versions(task))
            {
                var source = defaults.VersionDirectory(task, shippedVersion);
                var target = VersionDirectory(task, shippedVersion);
                Directory.CreateDirectory(target);
                foreach (var file in Directory.EnumerateFiles(source))
                {
                    File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
                }
            }

            Promote(task, version);
            seeded.Add(task);
        }

        return seeded;
    }

    private static int VersionNumber(string version) =>
        version.Length > 1 && version[0] == 'v' && int.TryParse(version.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : int.MaxValue;
}
