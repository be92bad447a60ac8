using StreamNlp.Core.Tasks;
using StreamNlp.Models.Registry;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;
using StreamNlp.Training.NeuralNetworks.Convolution;

namespace StreamNlp.UnitTests.Training.HeadFamilies;

/// <summary>Manifests written before head families (the shipped models among them) load through the one compatibility mapping.</summary>
public sealed class LegacyHeadKindsTests
{
    private static readonly Dictionary<string, string> NoSettings = [];

    private static ModelRegistry Shipped => new(ConfiguredRegistry.ShippedModelsDirectory);

    [Fact]
    public void ShippedModels_StillVerify_AndCarryOnlyTheOldKind()
    {
        foreach (var task in NlpTaskNames.All)
        {
            var manifest = Shipped.Verify(task, Shipped.CurrentVersion(task)!);
            Assert.Null(manifest.Head);
            Assert.NotNull(manifest.Kind);
        }
    }

    [Fact]
    public void ShippedClassification_IsDense_WithTheRecordedSettings()
    {
        var choice = HeadFamilyCatalog.Default.ChoiceOf(ShippedManifest(NlpTask.Classification));

        Assert.Equal("dense", choice.Family.Name);
        var options = Assert.IsType<DenseClassifierOptions>(choice.Options);
        Assert.Equal([512], options.HiddenSizes);
        Assert.Equal((60, 64, 0.0005f, 0.01f, 0.5f, 42, false), (options.Epochs, options.BatchSize, options.LearningRate, options.WeightDecay, options.Dropout, options.Seed, options.ClassWeighting));
        Assert.Equal("dense mlp-512", choice.Describe());
    }

    [Fact]
    public void ShippedSentiment_IsAttention_WithTheDefaultsThatTrainedIt()
    {
        var choice = HeadFamilyCatalog.Default.ChoiceOf(ShippedManifest(NlpTask.Sentiment));

        Assert.Equal("attention", choice.Family.Name);
        var options = Assert.IsType<AttentionSequenceHeadOptions>(choice.Options);
        Assert.Equal(new AttentionSequenceHeadOptions { HiddenSizes = options.HiddenSizes }, options);
        Assert.Equal([256], options.HiddenSizes);
        Assert.Equal("attention proj256-attn2x128-mean-max-mlp256", choice.Describe());
    }

    [Fact]
    public void ShippedNer_IsCnn_WithTheRecordedSettings()
    {
        var choice = HeadFamilyCatalog.Default.ChoiceOf(ShippedManifest(NlpTask.Ner));

        Assert.Equal("cnn", choice.Family.Name);
        var options = Assert.IsType<ConvolutionalTokenHeadOptions>(choice.Options);
        Assert.Equal([3, 3], options.KernelSizes);
        Assert.Empty(options.Dilations);
        Assert.Equal((256, 30, 0.001f, 0.3f), (options.Channels, options.Epochs, options.LearningRate, options.Dropout));
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
        var manifest = ShippedManifest(NlpTask.Classification) with { Kind = kind };

        var error = Assert.Throws<ModelIntegrityException>(() => HeadFamilyCatalog.Default.ChoiceOf(manifest));

        Assert.Contains(kind, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChoiceOf_HeadRecordedNextToAKind_PrefersTheHead()
    {
        var recipe = new HeadChoice(HeadFamilyCatalog.Default.Get("attention"), new AttentionSequenceHeadOptions { Epochs = 2 }).ToRecipe();
        var manifest = ShippedManifest(NlpTask.Classification) with { Head = recipe };

        Assert.Equal("attention", HeadFamilyCatalog.Default.ChoiceOf(manifest).Family.Name);
    }

    private static HeadManifest ShippedManifest(NlpTask task) => ModelRegistry.ReadManifest(Shipped.VersionDirectory(task, Shipped.CurrentVersion(task)!));
}
