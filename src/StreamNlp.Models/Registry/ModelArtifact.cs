using System.IO.Compression;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Heads;

namespace StreamNlp.Models.Registry;

/// <summary>
/// A head version as one compressed archive (ZIP, from the BCL): its manifest and every file the manifest lists,
/// flat. This is what travels on the models topic, so a worker needs no shared disk: it imports the archive
/// into its own registry, where the usual checks (manifest, SHA-256 of every file, encoder) apply before the
/// version can serve.
/// </summary>
public static class ModelArtifact
{
    /// <summary>The most a received archive may unpack to (the largest shipped head is about 2 MB).</summary>
    public const long MaxUnpackedBytes = 256L * 1024 * 1024;

    /// <summary>Packs a version of the registry, after checking it.</summary>
    public static byte[] Pack(ModelRegistry registry, NlpTask task, string version)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var manifest = registry.Verify(task, version);
        var dir = registry.VersionDirectory(task, version);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in manifest.Files.Keys.Append(HeadContract.ManifestFileName).Order(StringComparer.Ordinal))
            {
                // A fixed time stamp: the same version always packs to the same bytes.
                var entry = zip.CreateEntry(file, CompressionLevel.Optimal);
                entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var target = entry.Open();
                using var source = File.OpenRead(Path.Combine(dir, file));
                source.CopyTo(target);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Writes an archive into the registry as <paramref name="version"/> of <paramref name="task"/>: unpacked into
    /// a folder of its own, verified there (manifest names this task and version, every file's SHA-256, the
    /// encoder when given), then moved into place in one rename. A version already present is kept when it
    /// verifies and has the same files. One that differs (or no longer verifies) is replaced by the archive when it
    /// is neither the registry's <c>current</c> nor <paramref name="servingVersion"/>: such a local version never
    /// served here, typically a challenger this retrainer instance trained and never published (rejected, or its
    /// lease was lost before publishing), while another instance published its own version under the same name; the
    /// published one is what every other registry holds. A differing version that is current or serving is refused.
    /// Throws <see cref="ModelIntegrityException"/> with the reason when the archive is refused; a corrupt archive is
    /// always refused and leaves the registry as it was.
    /// </summary>
    public static HeadManifest Import(ModelRegistry registry, NlpTask task, string version, byte[] archive, string? encoderSha256 = null, string? servingVersion = null) =>
        Import(registry, task, version, archive, encoderSha256, servingVersion, out _);

    /// <summary>
    /// <see cref="Import(ModelRegistry, NlpTask, string, byte[], string?, string?)"/>, saying whether a differing local
    /// version of that name was replaced (<paramref name="replaced"/>).
    /// </summary>
    public static HeadManifest Import(
        ModelRegistry registry, NlpTask task, string version, byte[] archive, string? encoderSha256, string? servingVersion, out bool replaced)
    {
        replaced = false;
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(archive);
        var target = registry.VersionDirectory(task, version);
        var staging = Path.Combine(registry.TaskDirectory(task), $".incoming-{version}-{Guid.NewGuid():N}");
        try
        {
            Unpack(archive, staging, task, version);
            var manifest = ModelRegistry.VerifyDirectory(staging, task, encoderSha256);
            if (!string.Equals(manifest.Version, version, StringComparison.Ordinal))
            {
                throw new ModelIntegrityException($"the {task.ToName()} artifact announced as {version} holds version {manifest.Version}");
            }

            if (Directory.Exists(target))
            {
                HeadManifest? present;
                try
                {
                    present = ModelRegistry.VerifyDirectory(target, task, encoderSha256);
                }
                catch (ModelIntegrityException)
                {
                    present = null; // a local copy that no longer verifies: the archive may replace it below
                }

                if (present is not null && SameFiles(present, manifest))
                {
                    return present;
                }

                if (string.Equals(version, registry.CurrentVersion(task), StringComparison.Ordinal)
                    || string.Equals(version, servingVersion, StringComparison.Ordinal))
                {
                    throw new ModelIntegrityException(
                        $"{target} already holds a different {task.ToName()} {version}, and it is the version serving here; refusing to replace it");
                }

                ReplaceLocal(registry, task, version, staging, target);
                replaced = true;
                return manifest;
            }

            Directory.Move(staging, target);
            return manifest;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Moves the local version aside, the verified archive into its place, then deletes the local one.</summary>
    private static void ReplaceLocal(ModelRegistry registry, NlpTask task, string version, string staging, string target)
    {
        var aside = Path.Combine(registry.TaskDirectory(task), $".replaced-{version}-{Guid.NewGuid():N}");
        Directory.Move(target, aside);
        try
        {
            Directory.Move(staging, target);
        }
        catch (IOException)
        {
            Directory.Move(aside, target); // put the local one back: the registry stays as it was
            throw;
        }

        Directory.Delete(aside, recursive: true);
    }

    private static void Unpack(byte[] archive, string staging, NlpTask task, string version)
    {
        Directory.CreateDirectory(staging);
        try
        {
            using var zip = new ZipArchive(new MemoryStream(archive, writable: false), ZipArchiveMode.Read);
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                // Flat names only: nothing may be written outside the version's folder.
                if (entry.FullName.Length == 0 || entry.FullName != Path.GetFileName(entry.FullName) || entry.FullName is "." or ".."
                    || entry.FullName.Contains('\\', StringComparison.Ordinal))
                {
                    throw new ModelIntegrityException($"the {task.ToName()} {version} artifact has an entry '{entry.FullName}' that is not a plain file name");
                }

                total += entry.Length;
                if (total > MaxUnpackedBytes)
                {
                    throw new ModelIntegrityException($"the {task.ToName()} {version} artifact unpacks to more than {MaxUnpackedBytes} bytes");
                }

                entry.ExtractToFile(Path.Combine(staging, entry.FullName), overwrite: false);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new ModelIntegrityException($"the {task.ToName()} {version} artifact is not a readable archive: {ex.Message}");
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            throw new ModelIntegrityException($"the {task.ToName()} {version} artifact could not be unpacked: {ex.Message}");
        }
    }

    private static bool SameFiles(HeadManifest a, HeadManifest b) =>
        a.Files.Count == b.Files.Count
        && a.Files.All(f => b.Files.TryGetValue(f.Key, out var hash) && string.Equals(hash, f.Value, StringComparison.OrdinalIgnoreCase));
}
