using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Configuration;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Inference;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;

namespace StreamNlp.Worker.Inference;

/// <summary>
/// Loads the encoder and the current head of each task from the configured registry once, at first
/// use; a registry that lacks a task is seeded from the models shipped beside the application. Versions
/// announced on the models topic arrive as artifacts, are written into this registry, and are swapped in
/// between batches; the registry's <c>current</c> then follows, so a restart serves the same heads.
/// </summary>
public sealed class ModelBundleProvider(IOptions<ModelOptions> options, ILogger<ModelBundleProvider> logger) : IModelBundleProvider, IDisposable
{
    private readonly Lazy<ModelBundle> _initial = new(() => Load(options.Value, logger));
    private readonly ConcurrentDictionary<NlpTask, string> _pending = new();
    private readonly Lazy<ModelRegistry> _registry = new(() => ConfiguredRegistry.Open(options.Value));
    private ModelBundle? _current;

    public ModelBundle Current => Volatile.Read(ref _current) ?? _initial.Value;

    public void RequestUpdate(NlpTask task, string version) => _pending[task] = version;

    public string? ImportArtifact(NlpTask task, string version, byte[] artifact)
    {
        try
        {
            var bundle = Current;
            var serving = bundle.Heads.TryGetValue(task, out var head) ? head.Version : null;
            ModelArtifact.Import(_registry.Value, task, version, artifact, bundle.Encoder.Files.Descriptor.HeadEncoderSha256, serving, out var replaced);
            if (replaced)
            {
                Hosting.WorkerLog.LocalVersionReplaced(logger, task.ToName(), version);
            }

            return null;
        }
        catch (Exception ex) when (ex is ModelIntegrityException or IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    public IReadOnlyList<HeadSwap> ApplyPendingUpdates()
    {
        if (_pending.IsEmpty)
        {
            return [];
        }

        var swaps = new List<HeadSwap>();
        foreach (var task in _pending.Keys.ToList())
        {
            if (!_pending.TryRemove(task, out var version))
            {
                continue;
            }

            var bundle = Current;
            if (!bundle.Heads.TryGetValue(task, out var old) || old.Version == version)
            {
                continue;
            }

            try
            {
                var registry = _registry.Value;
                var head = bundle.LoadHead(registry, task, version, Settings(options.Value), logger);
                Volatile.Write(ref _current, bundle.WithHead(head));
                if (registry.CurrentVersion(task) != version)
                {
                    registry.Promote(task, version); // a restart serves what this worker served last
                }

                old.Dispose(); // no batch is in flight: the loop calls this between batches
                swaps.Add(new HeadSwap(task, old.Version, version));
            }
            catch (Exception ex) when (ex is ModelIntegrityException or IOException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or CudaUnavailableException)
            {
                swaps.Add(new HeadSwap(task, old.Version, version, ex.Message));
            }
        }

        return swaps;
    }

    /// <summary>
    /// Loads every model file once; whatever goes wrong (a graph ONNX Runtime cannot load although its
    /// SHA-256 matches the manifest, a registry folder that cannot be created or read, an encoder that does
    /// not verify) becomes a <see cref="ModelIntegrityException"/> naming the path, so start-up ends with one
    /// line and exit code 3.
    /// </summary>
    private static ModelBundle Load(ModelOptions options, ILogger logger)
    {
        try
        {
            var registry = ConfiguredRegistry.Open(options);
            var cache = new EncoderCache(options.CacheDirectory ?? EncoderCache.DefaultDirectory, logger: logger);
            return ModelBundle.Load(registry, cache, Settings(options), logger);
        }
        catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException ex)
        {
            throw new ModelIntegrityException($"ONNX Runtime could not load a model of the registry {ConfiguredRegistry.PathOf(options)}: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelIntegrityException($"the model registry {ConfiguredRegistry.PathOf(options)} or the encoder cache could not be used: {ex.Message}");
        }
        catch (InvalidDataException ex)
        {
            // A packaged encoder that is not the pinned one, or an int8 derivative that does not verify after a rebuild.
            throw new ModelIntegrityException($"the encoder in {options.CacheDirectory ?? EncoderCache.DefaultDirectory} was refused: {ex.Message}");
        }
    }

    private static InferenceSettings Settings(ModelOptions options) => options.ToInferenceSettings();

    public void Dispose()
    {
        if (_initial.IsValueCreated)
        {
            Current.Dispose();
        }
    }
}
