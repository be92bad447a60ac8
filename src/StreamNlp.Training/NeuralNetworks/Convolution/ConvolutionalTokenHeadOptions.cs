using static StreamNlp.Training.NeuralNetworks.TrainingOptionChecks;

namespace StreamNlp.Training.NeuralNetworks.Convolution;

/// <summary>Settings of <see cref="ConvolutionalTokenHeadTrainer"/> and the shape of the head it trains.</summary>
public sealed record ConvolutionalTokenHeadOptions
{
    /// <summary>Maximum passes over the training set. Default 30.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Sentences per mini-batch (one AdamW step each). Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>AdamW step size. Default 1e-3.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Decoupled weight decay λ, applied to weights but not biases. Default 0.01.</summary>
    public float WeightDecay { get; init; } = 0.01f;

    /// <summary>Dropout on the head's input (encoder state ‖ shape features) while training, in [0, 1). Default 0.2.</summary>
    public float InputDropout { get; init; } = 0.2f;

    /// <summary>Dropout after each convolution's ReLU while training, in [0, 1). Default 0.5.</summary>
    public float Dropout { get; init; } = 0.5f;

    /// <summary>
    /// Kernel size of each convolution layer, bottom first (odd). Default two layers of 3 (receptive field 5), the
    /// best of the variants measured on CoNLL-2003 dev (docs/NER-HEADS.md).
    /// </summary>
    public IReadOnlyList<int> KernelSizes { get; init; } = [3, 3];

    /// <summary>Dilation of each convolution layer; empty means 1 for every layer. Default empty.</summary>
    public IReadOnlyList<int> Dilations { get; init; } = [];

    /// <summary>Output channels of every convolution layer. Default 256.</summary>
    public int Channels { get; init; } = 256;

    /// <summary>Stop after this many epochs without a better dev metric; 0 never stops early. Default 3.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>How much the dev metric must rise to count as better. Default 0.</summary>
    public double MinimumImprovement { get; init; }

    /// <summary>Seeds initialisation, shuffling and dropout; equal seeds give equal models. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// Weights each tag by <c>N / (tags · count)</c> over the labelled training positions ("balanced"). Default off.
    /// </summary>
    public bool ClassWeighting { get; init; }

    /// <summary>The dilation of layer <paramref name="layer"/>.</summary>
    public int DilationOf(int layer) => Dilations.Count == 0 ? 1 : Dilations[layer];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        CheckOptimiser(Epochs, BatchSize, LearningRate, WeightDecay);
        CheckDropout(InputDropout, nameof(InputDropout));
        CheckDropout(Dropout, nameof(Dropout));
        Require(
            KernelSizes is { Count: > 0 } && KernelSizes.All(k => k >= 1 && k % 2 != 0),
            nameof(KernelSizes),
            "must list at least one odd kernel size ≥ 1");
        Require(
            Dilations is not null && (Dilations.Count == 0 || Dilations.Count == KernelSizes.Count) && Dilations.All(d => d >= 1),
            nameof(Dilations),
            "must be empty or give one dilation ≥ 1 per kernel size");
        Require(Channels >= 1, nameof(Channels), $"must be at least 1, got {Channels}");
        CheckStopping(Patience, MinimumImprovement);
    }
}
