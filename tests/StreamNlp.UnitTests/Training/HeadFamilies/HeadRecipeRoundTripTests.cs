using System.Text.Json;
using StreamNlp.Models.Registry;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;
using StreamNlp.Training.NeuralNetworks.Convolution;

namespace StreamNlp.UnitTests.Training.HeadFamilies;

/// <summary>A manifest stores <c>{family, options}</c> as JSON; reading it back gives the family and the same typed options.</summary>
public sealed class HeadRecipeRoundTripTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"head-recipe-{Guid.NewGuid():N}");

    public HeadRecipeRoundTripTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Manifest_Dense_RoundTripsFamilyAndEveryOption()
    {
        var options = new DenseClassifierOptions
        {
            Epochs = 60, BatchSize = 32, LearningRate = 0.0005f, DecayLearningRate = true, WeightDecay = 0.02f, Dropout = 0.5f,
            Patience = 10, MinimumImprovement = 0.001, Seed = 7, ClassWeighting = true, HiddenSizes = [512, 64], EncoderLayers = [0, 3, 6],
        };

        var read = (DenseClassifierOptions)RoundTrip("dense", options).Options;

        Assert.Equal(options with { HiddenSizes = read.HiddenSizes, EncoderLayers = read.EncoderLayers }, read);
        Assert.Equal([512, 64], read.HiddenSizes);
        Assert.Equal([0, 3, 6], read.EncoderLayers);
    }

    [Fact]
    public void Manifest_Attention_RoundTripsFamilyAndEveryOption_EnumsAsNames()
    {
        var options = new AttentionSequenceHeadOptions
        {
            Epochs = 4, DecayLearningRate = false, TokenProjectionSize = 0, AttentionHeads = 4, Scoring = AttentionScoring.DotProduct,
            MeanPooling = false, PooledDropout = 0.2f, TokenDropout = 0.1f, HiddenSizes = [], Seed = 3,
        };

        var (read, json) = RoundTripWithJson("attention", options);

        Assert.Equal(options with { HiddenSizes = ((AttentionSequenceHeadOptions)read.Options).HiddenSizes, EncoderLayers = read.Options.EncoderLayers }, read.Options);
        Assert.Contains("\"scoring\": \"dotProduct\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_Convolution_RoundTripsFamilyAndEveryOption()
    {
        var options = new ConvolutionalTokenHeadOptions { KernelSizes = [5, 3], Dilations = [1, 2], Channels = 64, InputDropout = 0f, Epochs = 8 };

        var read = (ConvolutionalTokenHeadOptions)RoundTrip("cnn", options).Options;

        Assert.Equal(options with { KernelSizes = read.KernelSizes, Dilations = read.Dilations, EncoderLayers = read.EncoderLayers }, read);
        Assert.Equal([5, 3], read.KernelSizes);
        Assert.Equal([1, 2], read.Dilations);
    }

    [Fact]
    public void Manifest_WritesHeadAsJsonObject_AndNoKindString()
    {
        var (_, json) = RoundTripWithJson("dense", new DenseClassifierOptions { HiddenSizes = [512] });

        using var document = JsonDocument.Parse(json);
        var head = document.RootElement.GetProperty("head");
        Assert.Equal("dense", head.GetProperty("family").GetString());
        Assert.Equal(JsonValueKind.Object, head.GetProperty("options").ValueKind);
        Assert.Equal(512, head.GetProperty("options").GetProperty("hiddenSizes")[0].GetInt32());
        Assert.Equal(0.001, head.GetProperty("options").GetProperty("learningRate").GetDouble(), 9);
        Assert.False(document.RootElement.TryGetProperty("kind", out _));
    }

    [Fact]
    public void ChoiceOf_OptionTheFamilyDoesNotHave_IsRefusedNamingIt()
    {
        var recipe = new HeadRecipe("cnn", JsonSerializer.SerializeToElement(new { channels = 64, hiddenSizes = new[] { 5 } }));

        var error = Assert.Throws<ModelIntegrityException>(() => HeadFamilyCatalog.Default.ChoiceOf(Manifest(recipe)));

        Assert.Contains("hiddenSizes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChoiceOf_OptionsLeftOut_KeepTheFamilyDefaults()
    {
        var recipe = new HeadRecipe("attention", JsonSerializer.SerializeToElement(new { epochs = 2 }));

        var options = (AttentionSequenceHeadOptions)HeadFamilyCatalog.Default.ChoiceOf(Manifest(recipe)).Options;

        Assert.Equal(new AttentionSequenceHeadOptions { Epochs = 2, HiddenSizes = options.HiddenSizes }, options);
        Assert.Equal([256], options.HiddenSizes);
    }

    [Fact]
    public void ChoiceOf_UnknownFamily_IsRefused()
    {
        var recipe = new HeadRecipe("lstm", JsonSerializer.SerializeToElement(new { }));

        var error = Assert.Throws<ModelIntegrityException>(() => HeadFamilyCatalog.Default.ChoiceOf(Manifest(recipe)));

        Assert.Contains("'lstm'", error.Message, StringComparison.Ordinal);
    }

    private HeadChoice RoundTrip(string family, HeadTrainingOptions options) => RoundTripWithJson(family, options).Choice;

    private (HeadChoice Choice, string Json) RoundTripWithJson(string family, HeadTrainingOptions options)
    {
        var written = new HeadChoice(HeadFamilyCatalog.Default.Get(family), options);
        File.WriteAllText(Path.Combine(_directory, "head.onnx"), "graph");
        ModelRegistry.WriteManifest(_directory, Manifest(written.ToRecipe()), ["head.onnx"]);

        var manifest = ModelRegistry.ReadManifest(_directory);
        var read = HeadFamilyCatalog.Default.ChoiceOf(manifest);

        Assert.Same(written.Family, read.Family);
        Assert.IsType(options.GetType(), read.Options);
        Assert.Equal(written.ToRecipe().Options.GetRawText(), read.ToRecipe().Options.GetRawText());
        return (read, File.ReadAllText(Path.Combine(_directory, "manifest.json")));
    }

    private static HeadManifest Manifest(HeadRecipe recipe) => new()
    {
        Task = "classification",
        Version = "v1",
        Head = recipe,
        Labels = ["a", "b"],
        CreatedAt = DateTimeOffset.UnixEpoch,
        Encoder = new EncoderReference("encoder", "00"),
        Files = new Dictionary<string, string>(),
    };
}
