using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Inference;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;

namespace StreamNlp.UnitTests.Models.Encoders;

/// <summary>
/// The shipped models as a fresh registry gets them: the adapted encoder and its heads by default, and the published
/// encoder selectable again with the heads trained on it.
/// </summary>
public sealed class EncoderSelectionTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"encoder-selection-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ShippedModels_ServeTheAdaptedEncoder_AndThePublishedOneAfterPromotingItsHeads()
    {
        var registry = new ModelRegistry(Path.Combine(_root, "models"));
        registry.SeedFrom(new ModelRegistry(ConfiguredRegistry.ShippedModelsDirectory));
        var cache = new EncoderCache(Path.Combine(_root, "cache"));
        var fp32 = new InferenceSettings(ExecutionProvider.Cpu, Precision: EncoderPrecision.Fp32);

        using (var adapted = ModelBundle.Load(registry, cache, fp32))
        {
            Assert.Equal(EncoderNames.Default, adapted.Encoder.Files.Descriptor.Name);
            Assert.NotEqual(EncoderNames.Default, EncoderNames.Published);
            Assert.All(NlpTaskNames.All, t => Assert.Equal("v2", adapted.Heads[t].Version));
            var annotation = adapted.Annotate([adapted.Tokenize("Manchester United beat Chelsea 3-1 at Old Trafford on Saturday.", 256)]).Single();
            Assert.Equal("sports", annotation.Classification!.Label);
            Assert.Contains(annotation.Entities, e => e.Text == "Manchester United" && e.Label == "ORG");
        }

        // The published encoder with the adapted encoder's heads is refused, naming the way out.
        var published = fp32 with { Encoder = EncoderNames.Published };
        var refused = Assert.Throws<ModelIntegrityException>(() => ModelBundle.Load(registry, cache, published));
        Assert.Contains($"StreamNlp:Models:Encoder={EncoderNames.Default}", refused.Message, StringComparison.Ordinal);

        var publishedSha = cache.Ensure(EncoderNames.Published, EncoderPrecision.Fp32).Descriptor.ModelSha256;
        foreach (var task in NlpTaskNames.All)
        {
            registry.Promote(task, "v1", publishedSha);
        }

        using var original = ModelBundle.Load(registry, cache, published);
        Assert.Equal(EncoderNames.Published, original.Encoder.Files.Descriptor.Name);
        Assert.All(NlpTaskNames.All, t => Assert.Equal("v1", original.Heads[t].Version));
        Assert.Equal("sports", original.Annotate([original.Tokenize("Manchester United beat Chelsea 3-1 at Old Trafford on Saturday.", 256)]).Single().Classification!.Label);
    }
}
