using StreamNlp.Core.Tasks;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.HeadFamilies.Attention;
using StreamNlp.Training.HeadFamilies.Convolution;
using StreamNlp.Training.HeadFamilies.Dense;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;
using StreamNlp.Training.NeuralNetworks.Convolution;

namespace StreamNlp.UnitTests.Training.HeadFamilies;

public sealed class HeadFamilyCatalogTests
{
    [Fact]
    public void Default_DiscoversEveryFamilyOfTheTrainingLibrary()
    {
        Assert.Equal(["attention", "cnn", "dense"], HeadFamilyCatalog.Default.Families.Select(f => f.Name));
        Assert.Equal(
            [typeof(AttentionSequenceHeadOptions), typeof(ConvolutionalTokenHeadOptions), typeof(DenseClassifierOptions)],
            HeadFamilyCatalog.Default.Families.Select(f => f.OptionsType));
    }

    [Theory]
    [InlineData("dense", typeof(DenseHeadFamily))]
    [InlineData("DENSE", typeof(DenseHeadFamily))]
    [InlineData("mlp", typeof(DenseHeadFamily))]
    [InlineData("softmax", typeof(DenseHeadFamily))]
    [InlineData("attention", typeof(AttentionHeadFamily))]
    [InlineData("cnn", typeof(ConvolutionalHeadFamily))]
    [InlineData("Convolutional", typeof(ConvolutionalHeadFamily))]
    public void Find_ByNameOrAlias_IgnoringCase(string name, Type expected) =>
        Assert.IsType(expected, HeadFamilyCatalog.Default.Find(name));

    [Fact]
    public void Get_UnknownName_ThrowsListingTheFamilies()
    {
        Assert.Null(HeadFamilyCatalog.Default.Find("lstm"));
        var error = Assert.Throws<ArgumentException>(() => HeadFamilyCatalog.Default.Get("lstm"));
        Assert.Contains("'lstm'", error.Message, StringComparison.Ordinal);
        Assert.Contains("attention, cnn, dense", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void For_Task_ListsTheFamiliesThatBuildItsHeads()
    {
        Assert.Equal(["cnn", "dense"], HeadFamilyCatalog.Default.For(NlpTask.Ner).Select(f => f.Name));
        Assert.Equal(["attention", "dense"], HeadFamilyCatalog.Default.For(NlpTask.Sentiment).Select(f => f.Name));
        Assert.Equal(["attention", "dense"], HeadFamilyCatalog.Default.For(NlpTask.Classification).Select(f => f.Name));
    }

    [Fact]
    public void Constructor_TwoFamiliesAnsweringToOneName_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new HeadFamilyCatalog([new DenseHeadFamily(), new DenseHeadFamily()]));
        Assert.Contains("'dense'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_NamesTheArchitectureTheOptionsBuild()
    {
        var catalog = HeadFamilyCatalog.Default;
        Assert.Equal("softmax", catalog.Get("dense").Describe(new DenseClassifierOptions()));
        Assert.Equal("mlp-512", catalog.Get("dense").Describe(new DenseClassifierOptions { HiddenSizes = [512] }));
        Assert.Equal("proj256-attn2x128-mean-max-mlp256", catalog.Get("attention").Describe(new AttentionSequenceHeadOptions()));
        Assert.Equal("k3-3-c256", catalog.Get("cnn").Describe(new ConvolutionalTokenHeadOptions()));
    }

    [Fact]
    public void Train_OptionsOfAnotherFamily_Throws()
    {
        var attention = HeadFamilyCatalog.Default.Get("attention");
        var error = Assert.Throws<ArgumentException>(() => attention.WriteOptions(new DenseClassifierOptions()));
        Assert.Contains("AttentionSequenceHeadOptions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FamilyDefaults_KeepTheDefaultsEachTrainerHadBeforeTheSharedBase()
    {
        var dense = new DenseClassifierOptions();
        var attention = new AttentionSequenceHeadOptions();
        var convolution = new ConvolutionalTokenHeadOptions();
        Assert.Equal((10, 64, 1e-3f, false, 0.1f, 3), (dense.Epochs, dense.BatchSize, dense.LearningRate, dense.DecayLearningRate, dense.Dropout, dense.Patience));
        Assert.Equal((6, 64, 1e-3f, true, 0.1f, 3), (attention.Epochs, attention.BatchSize, attention.LearningRate, attention.DecayLearningRate, attention.Dropout, attention.Patience));
        Assert.Equal((30, 32, 1e-3f, false, 0.5f, 3), (convolution.Epochs, convolution.BatchSize, convolution.LearningRate, convolution.DecayLearningRate, convolution.Dropout, convolution.Patience));
        Assert.All<HeadTrainingOptions>([dense, attention, convolution], o => Assert.Equal((0.01f, 42, false), (o.WeightDecay, o.Seed, o.ClassWeighting)));
    }
}
