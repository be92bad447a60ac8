using System.Numerics.Tensors;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Quantization;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;
using StreamNlp.Models.Configuration;
using StreamNlp.Worker.Inference;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Models;

/// <summary>
/// The int8 encoder derived from the packaged fp32 one: its token vectors follow fp32 closely enough for
/// the fp32-trained heads, and the served path loads it under its own name with the shipped heads.
/// </summary>
public sealed class Int8EncoderTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// Per-token cosine similarity of int8 to fp32 <c>last_hidden_state</c> over <see cref="Sentences"/>. Measured
    /// here: shipped recipe (per column) mean 0.9905, min 0.9787; per-tensor recipe mean 0.9554, min 0.9132. On
    /// AG News dev (52,833 tokens) the shipped recipe gave mean 0.990, min 0.938 (docs/INT8.md). The bounds pass
    /// the shipped recipe with a margin and fail the per-tensor one on both counts.
    /// </summary>
    private const double MinMeanCosine = 0.98;
    private const double MinTokenCosine = 0.95;

    private static readonly string[] Sentences =
    [
        "Roger Federer won the Wimbledon final in London.",
        "Oil prices climbed on Monday after OPEC signalled it may cut output again.",
        "This movie was wonderful, I loved every minute of it",
        "The battery died after two days and support never answered my emails.",
        "Angela Merkel met Emmanuel Macron in Zürich to discuss the café owners' strike.",
        "Apple unveiled a faster iPhone chip, sending shares of its suppliers in Taiwan higher.",
    ];

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"streamnlp-int8-{Guid.NewGuid():N}");

    [Fact]
    public void Int8HiddenStates_FollowFp32PerToken()
    {
        var cache = new EncoderCache(EncoderCache.DefaultDirectory);
        var (mean, min) = Similarity(cache.Ensure(EncoderDescriptor.MiniLmL6V2), cache.Ensure(EncoderDescriptor.MiniLmL6V2, EncoderPrecision.Int8));

        output.WriteLine($"shipped recipe: cosine per token mean {mean:F4}, min {min:F4}");
        Assert.True(mean >= MinMeanCosine, $"mean cosine {mean:F4} < {MinMeanCosine}");
        Assert.True(min >= MinTokenCosine, $"min cosine {min:F4} < {MinTokenCosine}");
    }

    [Fact]
    public void PerTensorRecipe_FailsTheSameBounds()
    {
        // The bounds above are tight enough to tell a worse recipe: one scale per weight matrix.
        var perTensor = new Int8EncoderRecipe("test-per-tensor", QuantizationGranularity.PerTensor);
        var cache = new EncoderCache(_root, int8Recipe: perTensor);
        var (mean, min) = Similarity(cache.Ensure(EncoderDescriptor.MiniLmL6V2), cache.Ensure(EncoderDescriptor.MiniLmL6V2, EncoderPrecision.Int8));

        output.WriteLine($"per-tensor recipe: cosine per token mean {mean:F4}, min {min:F4}");
        Assert.True(mean < MinMeanCosine, $"per-tensor mean cosine {mean:F4} passed the bound {MinMeanCosine}");
        Assert.True(min < MinTokenCosine, $"per-tensor min cosine {min:F4} passed the bound {MinTokenCosine}");
    }

    [Fact]
    public void ProviderWithPrecisionInt8_ServesTheShippedFp32Heads_UnderTheInt8EncoderName()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "models");
        using var fp32 = new ModelBundleProvider(Options.Create(new ModelOptions { Directory = Path.Combine(_root, "fp32"), Precision = EncoderPrecision.Fp32 }), NullLogger<ModelBundleProvider>.Instance);
        using var int8 = new ModelBundleProvider(Options.Create(new ModelOptions { Directory = Path.Combine(_root, "int8"), Precision = EncoderPrecision.Int8 }), NullLogger<ModelBundleProvider>.Instance);

        var encoder = int8.Current.Versions["encoder"];
        Assert.StartsWith($"{EncoderNames.Default}-int8@", encoder, StringComparison.Ordinal);
        Assert.Equal(int8.Current.Encoder.Files.Descriptor.ModelSha256[..8], encoder[^8..]);
        Assert.Equal(fp32.Current.Encoder.Files.Descriptor.ModelSha256, int8.Current.Encoder.Files.Descriptor.DerivedFromSha256);
        Assert.Equal(fp32.Current.Heads.Count, int8.Current.Heads.Count);
        // With the int8 encoder the heads are quantized at load (QuantizeHeads defaults to true); with fp32 they are not.
        Assert.All(int8.Current.Heads.Values, h => Assert.NotNull(h.Quantization));
        Assert.All(fp32.Current.Heads.Values, h => Assert.Null(h.Quantization));
        var texts = Sentences.Select(s => fp32.Current.Tokenize(s, 256)).ToList();
        var expected = fp32.Current.Annotate(texts);
        var actual = int8.Current.Annotate(texts);
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Equal(expected[i].Classification!.Label, actual[i].Classification!.Label);
            Assert.Equal(expected[i].Sentiment!.Label, actual[i].Sentiment!.Label);
            Assert.Equal(expected[i].Entities.Select(e => (e.Text, e.Label)), actual[i].Entities.Select(e => (e.Text, e.Label)));
        }

        Assert.Contains(actual[0].Entities, e => e is { Text: "Roger Federer", Label: "PER" });
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static (double Mean, double Min) Similarity(EncoderFiles fp32Files, EncoderFiles int8Files)
    {
        var sessions = new SessionFactory(new InferenceSettings(ExecutionProvider.Cpu));
        using var fp32 = new EncoderSession(fp32Files, sessions);
        using var int8 = new EncoderSession(int8Files, sessions);
        var tokenizer = new TextTokenizer(fp32Files.VocabularyPath, uncased: true);
        var texts = Sentences.Select(s => tokenizer.Tokenize(s, 256)).ToList();
        using var expected = fp32.Run(texts);
        using var actual = int8.Run(texts);
        var x = expected.HiddenStatesData;
        var y = actual.HiddenStatesData;
        var hidden = expected.HiddenSize;
        var cosines = new List<double>();
        for (var b = 0; b < texts.Count; b++)
        {
            for (var p = 0; p < texts[b].Length; p++)
            {
                var offset = ((b * expected.SequenceLength) + p) * hidden;
                cosines.Add(TensorPrimitives.CosineSimilarity(x.Slice(offset, hidden), y.Slice(offset, hidden)));
            }
        }

        return (cosines.Average(), cosines.Min());
    }

}
