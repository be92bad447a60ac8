using static StreamNlp.Training.NeuralNetworks.TrainingOptionChecks;

namespace StreamNlp.Training.NeuralNetworks.Convolution;

/// <summary>Settings of <see cref="ConvolutionalTokenHeadTrainer"/> and the shape of the head it trains.</summary>
public sealed record ConvolutionalTokenHeadOptions : HeadTrainingOptions
{
    /// <summary>The shared settings with this family's defaults: 30 epochs, 32 sentences per batch, dropout 0.5 after each convolution's ReLU.</summary>
    public ConvolutionalTokenHeadOptions()
    {
        Epochs = 30;
        BatchSize = 32;
        Dropout = 0.5f;
    }

    /// <summary>Dropout on the head's input (encoder state ‖ shape features) while training, in [0, 1). Default 0.2.</summary>
    public float InputDropout { get; init; } = 0.2f;

    /// <summary>
    /// Kernel size of each convolution layer, bottom first (odd). Default two layers of 3 (receptive field 5), the
    /// best of the variants measured on CoNLL-2003 dev (docs/NER-HEADS.md).
    /// </summary>
    public IReadOnlyList<int> KernelSizes { get; init; } = [3, 3];

    /// <summary>Dilation of each convolution layer; empty means 1 for every layer. Default empty.</summary>
    public IReadOnlyList<int> Dilations { get; init; } = [];

    /// <summary>Output channels of every convolution layer. Default 256.</summary>
    public int Channels { get; init; } = 256;

    /// <summary>The dilation of layer <paramref name="layer"/>.</summary>
    public int DilationOf(int layer) => Dilations.Count == 0 ? 1 : Dilations[layer];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public override void Validate()
    {
        base.Validate();
        RequireLastLayerOnly("cnn");
        CheckDropout(InputDropout, nameof(InputDropout));
        Require(
            KernelSizes is { Count: > 0 } && KernelSizes.All(k => k >= 1 && k % 2 != 0),
            nameof(KernelSizes),
            "must list at least one odd kernel size ≥ 1");
        Require(
            Dilations is not null && (Dilations.Count == 0 || Dilations.Count == KernelSizes.Count) && Dilations.All(d => d >= 1),
            nameof(Dilations),
            "must be empty or give one dilation ≥ 1 per kernel size");
        Require(Channels >= 1, nameof(Channels), $"must be at least 1, got {Channels}");
    }
}
