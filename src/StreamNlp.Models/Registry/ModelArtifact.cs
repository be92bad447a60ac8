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
    /// verifies and has the same manifest; one that differs is refused (two versions with one name).
    /// Throws <see cref="ModelIntegrityException"/> with the reason when the archive is refused.
    /// </summary>
    public static HeadManifest Import(ModelRegistry registry, NlpTask task, string version, byte[] archive, string? encoderSha256 = null)
    {
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
                var present = ModelRegistry.VerifyDirectory(target, task, encoderSha256);
                if (!SameFiles(present, manifest))
                {
                    throw new ModelIntegrityException($"{target} already holds a different {task.ToName()} {version}; refusing to replace it");
                }

                return present;
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
