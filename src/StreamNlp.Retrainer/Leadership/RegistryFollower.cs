using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamNlp.Core.Tasks;
using StreamNlp.Kafka.ModelUpdates;
using StreamNlp.Models.Configuration;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Registry;
using StreamNlp.Retrainer.Hosting;

namespace StreamNlp.Retrainer.Leadership;

/// <summary>
/// Keeps the retrainer's registry in step with the models topic (a target of the <see cref="ModelUpdateListener"/>):
/// every published version is imported and becomes <c>current</c> at once. Whichever instance leads next therefore
/// numbers its challenger after every published version (<see cref="ModelRegistry.NextVersion"/> counts the folders)
/// and trains it against the head that serves. A local challenger that was never published and carries the name of a
/// published version is replaced by the published one (<see cref="ModelArtifact.Import(ModelRegistry, NlpTask, string, byte[], string?, string?, out bool)"/>).
/// Inside <c>streamnlp run</c> the worker's model provider imports into the same folder first (the listener calls the
/// targets one after the other), so this one finds the version present.
/// </summary>
public sealed class RegistryFollower(IOptions<ModelOptions> modelOptions, ILogger<RegistryFollower> logger) : IModelUpdateTarget
{
    private readonly Lazy<ModelRegistry> _registry = new(() => ConfiguredRegistry.Open(modelOptions.Value));

    /// <summary>The configured encoder, whose fp32 SHA-256 every retrained head records (even where int8 serves).</summary>
    private readonly Lazy<string> _encoderSha256 = new(() =>
        new EncoderCache(modelOptions.Value.CacheDirectory ?? EncoderCache.DefaultDirectory)
            .Ensure(modelOptions.Value.Encoder, EncoderPrecision.Fp32).Descriptor.HeadEncoderSha256);

    private string EncoderSha256 => _encoderSha256.Value;

    public string? ImportArtifact(NlpTask task, string version, byte[] artifact)
    {
        try
        {
            var registry = _registry.Value;
            ModelArtifact.Import(registry, task, version, artifact, EncoderSha256, servingVersion: null, out var replaced);
            if (replaced)
            {
                RetrainerLog.LocalVersionReplaced(logger, task.ToName(), version);
            }

            return null;
        }
        catch (Exception ex) when (ex is ModelIntegrityException or IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    public void RequestUpdate(NlpTask task, string version)
    {
        try
        {
            var registry = _registry.Value;
            if (registry.CurrentVersion(task) != version)
            {
                registry.Promote(task, version, EncoderSha256);
                RetrainerLog.RegistryFollowed(logger, task.ToName(), version);
            }
        }
        catch (Exception ex) when (ex is ModelIntegrityException or IOException or UnauthorizedAccessException)
        {
            RetrainerLog.RegistryFollowFailed(logger, task.ToName(), version, ex.Message);
        }
    }
}
