using StreamNlp.Core.Contracts;
using StreamNlp.Core.Hashing;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Heads;

namespace StreamNlp.Models.Registry;

/// <summary>The <c>model-updated</c> event announcing a registry version, as published on the models topic.</summary>
public static class ModelUpdateEvents
{
    public static ModelUpdatedEvent Create(ModelRegistry registry, NlpTask task, HeadManifest manifest, string? previousVersion, string reason, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(manifest);
        return new()
        {
            Task = task.ToName(),
            Version = manifest.Version,
            PreviousVersion = previousVersion,
            Reason = reason,
            Metrics = manifest.Metrics,
            ManifestSha256 = FileHash.Sha256Of(Path.Combine(registry.VersionDirectory(task, manifest.Version), HeadContract.ManifestFileName)),
            At = at,
        };
    }
}
