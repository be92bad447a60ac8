using StreamNlp.Core.Tasks;
using StreamNlp.Models.Registry;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;
using StreamNlp.Training.NeuralNetworks.Convolution;

namespace StreamNlp.UnitTests.Training.HeadFamilies;

/// <summary>
/// Manifests written before head families load through the one compatibility mapping: the first shipped NER model
/// (v1), and the first shipped sentence heads (their manifests kept under <c>LegacyManifests/</c>). The current shipped
/// heads (v2, trained on the adapted encoder) record their family and options.
/// </summary>
public sealed class LegacyHeadKindsTests
{
    private static readonly Dictionary<string, string> NoSettings = [];

    private static ModelRegistry Shipped => new(ConfiguredRegistry.ShippedModelsDirectory);

    [Fact]
    public void ShippedModels_Verify_CurrentHeadsRecordTheirFamily_TheFirstNerOnlyTheOldKind()
    {
        foreach (var task in NlpTaskNames.All)
        {
            var manifest = Shipped.Verify(task, Shipped.CurrentVersion(task)!);
            Assert.Equal(task == NlpTask.Ner ? "cnn" : "dense", manifest.Head!.Family);
        }

        // v1 of NER (trained on the published encoder) keeps its pre-family kind string and still loads through it.
        var first = Shipped.Verify(NlpTask.Ner, "v1");
        Assert.Null(first.Head);
        Assert.NotNull(first.Kind);
    }

    [Fact]
    public void ShippedSentenceHeads_AreDenseLayerMixes_WithTheRecordedSettings()
    {
        var classification = Assert.IsType<DenseClassifierOptions>(HeadFamilyCatalog.Default.ChoiceOf(ShippedManifest(NlpTask.Classification)).Options);
        Assert.Equal([256], classification.HiddenSizes);
        Assert.Equal([4, 5, 6], classification.EncoderLayers);
        Assert.Equal((60, 64, 0.0005f, 0.5f, 10), (classification.Epochs, classification.BatchSize, classification.LearningRate, classification.Dropout, classification.Patience));

        var sentiment = HeadFamilyCatalog.Default.ChoiceOf(ShippedManifest(NlpTask.Sentiment));
        Assert.Equal("dense mlp-256 layers-0.1.2.3.4.5.6", sentiment.Describe());
        var options = Assert.IsType<DenseClassifierOptions>(sentiment.Options);
        Assert.Equal((20, 0.0005f, true, 0.5f, 4), (options.Epochs, options.LearningRate, options.DecayLearningRate, options.Dropout, options.Patience));
    }

    [Fact]
    public void LegacyClassification_IsDense_WithTheRecordedSettings()
    {
        var choice = HeadFamilyCatalog.Default.ChoiceOf(LegacyManifest(NlpTask.Classification));

        Assert.Equal("dense", choice.Family.Name);
        var options = Assert.IsType<DenseClassifierOptions>(choice.Options);
        Assert.Equal([512], options.HiddenSizes);
        Assert.Empty(options.EncoderLayers);
        Assert.Equal((60, 64, 0.0005f, 0.01f, 0.5f, 42, false), (options.Epochs, options.BatchSize, options.LearningRate, options.WeightDecay, options.Dropout, options.Seed, options.ClassWeighting));
        Assert.Equal("dense mlp-512", choice.Describe());
    }

    [Fact]
    public void LegacySentiment_IsAttention_WithTheDefaultsThatTrainedIt()
    {
        var choice = HeadFamilyCatalog.Default.ChoiceOf(LegacyManifest(NlpTask.Sentiment));

        Assert.Equal("attention", choice.Family.Name);
        var options = Assert.IsType<AttentionSequenceHeadOptions>(choice.Options);
        Assert.Equal(new AttentionSequenceHeadOptions { HiddenSizes = options.HiddenSizes, EncoderLayers = options.EncoderLayers }, options);
        Assert.Equal([256], options.HiddenSizes);
        Assert.Equal("attention proj256-attn2x128-mean-max-mlp256", choice.Describe());
    }

    [Fact]
    public void ShippedNer_IsCnn_WithTheRecordedSettings_AndTheFirstOneReadsFromItsKind()
    {
        var choice = HeadFamilyCatalog.Default.ChoiceOf(ShippedManifest(NlpTask.Ner));

        Assert.Equal("cnn", choice.Family.Name);
        var options = Assert.IsType<ConvolutionalTokenHeadOptions>(choice.Options);
        Assert.Equal([3, 3], options.KernelSizes);
        Assert.Empty(options.Dilations);
        Assert.Equal((256, 30, 0.001f, 0.5f), (options.Channels, options.Epochs, options.LearningRate, options.Dropout));

        var legacy = HeadFamilyCatalog.Default.ChoiceOf(ModelRegistry.ReadManifest(Shipped.VersionDirectory(NlpTask.Ner, "v1")));
        var legacyOptions = Assert.IsType<ConvolutionalTokenHeadOptions>(legacy.Options);
        Assert.Equal((256, 30, 0.001f, 0.3f), (legacyOptions.Channels, legacyOptions.Epochs, legacyOptions.LearningRate, legacyOptions.Dropout));
    }

    [Theory]
    [InlineData("mean-pool-softmax", "dense", "softmax")]
    [InlineData("token-softmax", "dense", "softmax")]
    [InlineData("token-mlp-256-128", "dense", "mlp-256-128")]
    [InlineData("attention-proj256-attn2x128-mean-max-mlp256", "attention", "proj256-attn2x128-mean-max-mlp256")]
    [InlineData("attention-dot4-mean-linear", "attention", "dot4-mean-linear")]
    [InlineData("attention-attn1x16-max-mlp64-32", "attention", "attn1x16-max-mlp64-32")]
    [InlineData("cnn-k5-3-3-c64", "cnn", "k5-3-3-c64")]
    public void Read_EveryKindShape_GivesTheFamilyThatDescribesItTheSameWay(string kind, string family, string description)
    {
        var (name, options) = LegacyHeadKinds.Read(kind, NoSettings);

        Assert.Equal(family, name);
        Assert.Equal(description, HeadFamilyCatalog.Default.Get(name).Describe(options));
        options.Validate();
    }

    [Fact]
    public void Read_CnnDilationsSetting_IsKept()
    {
        var (_, options) = LegacyHeadKinds.Read("cnn-k3-3-c32", new Dictionary<string, string> { ["dilations"] = "1,2", ["epochs"] = "8" });

        var convolution = Assert.IsType<ConvolutionalTokenHeadOptions>(options);
        Assert.Equal([1, 2], convolution.Dilations);
        Assert.Equal(8, convolution.Epochs);
    }

    [Theory]
    [InlineData("lstm-2x128")]
    [InlineData("mean-pool-mlp-x")]
    [InlineData("attention-proj256-lstm")]
    [InlineData("cnn-k3")]
    public void ChoiceOf_KindNoVersionWrote_IsRefusedNamingIt(string kind)
    {
        var manifest = LegacyManifest(NlpTask.Classification) with { Kind = kind };

        var error = Assert.Throws<ModelIntegrityException>(() => HeadFamilyCatalog.Default.ChoiceOf(manifest));

        Assert.Contains(kind, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChoiceOf_HeadRecordedNextToAKind_PrefersTheHead()
    {
        var recipe = new HeadChoice(HeadFamilyCatalog.Default.Get("attention"), new AttentionSequenceHeadOptions { Epochs = 2 }).ToRecipe();
        var manifest = LegacyManifest(NlpTask.Classification) with { Head = recipe };

        Assert.Equal("attention", HeadFamilyCatalog.Default.ChoiceOf(manifest).Family.Name);
    }

    private static HeadManifest LegacyManifest(NlpTask task) =>
        ModelRegistry.ReadManifest(Path.Combine(AppContext.BaseDirectory, "Training", "HeadFamilies", "LegacyManifests", task.ToName()));

    private static HeadManifest ShippedManifest(NlpTask task) => ModelRegistry.ReadManifest(Shipped.VersionDirectory(task, Shipped.CurrentVersion(task)!));
}
