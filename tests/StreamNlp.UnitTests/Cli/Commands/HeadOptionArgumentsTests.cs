using System.Text.Json.Nodes;
using StreamNlp.Cli.Commands;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;
using StreamNlp.Training.NeuralNetworks.Convolution;

namespace StreamNlp.UnitTests.Cli.Commands;

/// <summary><c>streamnlp train --head NAME</c> flags become the family's typed options: its defaults, with what was given written over them.</summary>
public sealed class HeadOptionArgumentsTests
{
    [Fact]
    public void Apply_NoFlags_GivesTheFamilyDefaults()
    {
        var choice = HeadOptionArguments.Apply(HeadFamilyCatalog.Default.Get("cnn"), []);

        var options = Assert.IsType<ConvolutionalTokenHeadOptions>(choice.Options);
        Assert.Equal(new ConvolutionalTokenHeadOptions { KernelSizes = options.KernelSizes, Dilations = options.Dilations, EncoderLayers = options.EncoderLayers }, options);
        Assert.Empty(options.EncoderLayers);
    }

    [Fact]
    public void Apply_CommonAndFamilyFlags_SetThoseOptionsOnly()
    {
        var choice = HeadOptionArguments.Apply(HeadFamilyCatalog.Default.Get("dense"),
        [
            ("--hidden", "hiddenSizes", new JsonArray(512)),
            ("--lr", "learningRate", JsonValue.Create(0.0005f)),
            ("--epochs", "epochs", JsonValue.Create(60)),
        ]);

        var options = Assert.IsType<DenseClassifierOptions>(choice.Options);
        Assert.Equal([512], options.HiddenSizes);
        Assert.Equal((0.0005f, 60, 64, 0.1f), (options.LearningRate, options.Epochs, options.BatchSize, options.Dropout));
    }

    [Fact]
    public void Apply_GenericOption_ParsedAsJsonElseAsText()
    {
        var (heads, four) = HeadOptionArguments.Parse("attentionHeads=4");
        var (scoring, dot) = HeadOptionArguments.Parse("scoring=dotProduct");

        var choice = HeadOptionArguments.Apply(HeadFamilyCatalog.Default.Get("attention"), [("--option", heads, four), ("--option", scoring, dot)]);

        var options = Assert.IsType<AttentionSequenceHeadOptions>(choice.Options);
        Assert.Equal((4, AttentionScoring.DotProduct), (options.AttentionHeads, options.Scoring));
    }

    [Fact]
    public void Apply_FlagTheFamilyHasNoOptionFor_FailsNamingFlagAndFamily()
    {
        var error = Assert.Throws<CliException>(() =>
            HeadOptionArguments.Apply(HeadFamilyCatalog.Default.Get("attention"), [("--kernels", "kernelSizes", new JsonArray(3, 3))]));

        Assert.StartsWith("--kernels: the head family 'attention' has no option 'kernelSizes'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_InvalidValue_FailsWithTheFamilysCheck()
    {
        var error = Assert.Throws<CliException>(() =>
            HeadOptionArguments.Apply(HeadFamilyCatalog.Default.Get("cnn"), [("--kernels", "kernelSizes", new JsonArray(2))]));

        Assert.StartsWith("KernelSizes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoEquals_Fails() => Assert.Throws<CliException>(() => HeadOptionArguments.Parse("epochs"));
}
