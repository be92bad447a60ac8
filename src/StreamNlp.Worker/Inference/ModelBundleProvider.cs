using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Inference;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Worker.Configuration;

namespace StreamNlp.Worker.Inference;

/// <summary>
/// Loads the encoder and the current head of each task from the configured registry once, at first
/// use. An unset <c>StreamNlp:Models:Directory</c> means the default models shipped beside the
/// application; a configured folder that lacks a task is seeded from those defaults.
/// </summary>
public sealed class ModelBundleProvider(IOptions<ModelOptions> options, ILogger<ModelBundleProvider> logger) : IModelBundleProvider, IDisposable
{
    private readonly Lazy<ModelBundle> _bundle = new(() => Load(options.Value, logger));

    public ModelBundle Current => _bundle.Value;

    /// <summary>The folder of models shipped with the application.</summary>
    public static string DefaultModelsDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    public static ModelRegistry OpenRegistry(ModelOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            return new ModelRegistry(DefaultModelsDirectory);
        }

        var registry = new ModelRegistry(options.Directory);
        Directory.CreateDirectory(registry.Root);
        if (Directory.Exists(DefaultModelsDirectory))
        {
            registry.SeedFrom(new ModelRegistry(DefaultModelsDirectory));
        }

        return registry;
    }

    private static ModelBundle Load(ModelOptions options, ILogger logger)
    {
        var registry = OpenRegistry(options);
        var cache = new EncoderCache(options.CacheDirectory ?? EncoderCache.DefaultDirectory);
        var settings = new InferenceSettings(options.ExecutionProvider, options.IntraOpThreads);
        return ModelBundle.Load(registry, cache, settings, logger);
    }

    public void Dispose()
    {
        if (_bundle.IsValueCreated)
        {
            _bundle.Value.Dispose();
        }
    }
}
