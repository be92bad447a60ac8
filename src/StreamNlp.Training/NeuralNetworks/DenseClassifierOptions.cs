using static StreamNlp.Training.NeuralNetworks.TrainingOptionChecks;

namespace StreamNlp.Training.NeuralNetworks;

/// <summary>Settings of <see cref="DenseClassifierTrainer"/>.</summary>
public sealed record DenseClassifierOptions
{
    /// <summary>Maximum passes over the training set. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per mini-batch (one AdamW step each). Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>AdamW step size. Default 1e-3.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Decoupled weight decay λ, applied to weights but not biases. Default 0.01.</summary>
    public float WeightDecay { get; init; } = 0.01f;

    /// <summary>Dropout rate after each hidden ReLU, in [0, 1); unused without hidden layers. Default 0.1.</summary>
    public float Dropout { get; init; } = 0.1f;

    /// <summary>Sizes of the hidden layers; empty (or <c>[0]</c>) is plain softmax regression. Default empty.</summary>
    public IReadOnlyList<int> HiddenSizes { get; init; } = [];

    /// <summary>Stop after this many epochs without a better dev metric; 0 never stops early. Default 3.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>How much the dev metric must rise to count as better. Default 0.</summary>
    public double MinimumImprovement { get; init; }

    /// <summary>Seeds initialisation, shuffling and dropout; equal seeds give equal models. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// Weights each class by <c>N / (classes · count)</c> in the loss ("balanced"), so rare classes weigh as much
    /// as frequent ones. Default off.
    /// </summary>
    public bool ClassWeighting { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        CheckOptimiser(Epochs, BatchSize, LearningRate, WeightDecay);
        CheckDropout(Dropout, nameof(Dropout));
        Require(HiddenSizes is not null && HiddenSizes.All(h => h >= 0), nameof(HiddenSizes), "must be a list of sizes ≥ 0");
        CheckStopping(Patience, MinimumImprovement);
    }
}
