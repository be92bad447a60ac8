using static StreamNlp.Training.NeuralNetworks.TrainingOptionChecks;

namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// The settings every head family shares, read by <see cref="HeadTrainingLoop"/>: how long and how fast to train,
/// regularisation, early stopping, the seed and class weighting. A family's options record derives from this one,
/// adds its shape settings and may change these defaults in its constructor.
/// </summary>
public abstract record HeadTrainingOptions
{
    /// <summary>Maximum passes over the training set. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per mini-batch (one AdamW step each). Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>AdamW step size (the peak, when <see cref="DecayLearningRate"/> is on). Default 1e-3.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Lowers the step size linearly per batch from <see cref="LearningRate"/> to 0 over <see cref="Epochs"/>. Default off.</summary>
    public bool DecayLearningRate { get; init; }

    /// <summary>Decoupled weight decay λ, applied to weights but not biases. Default 0.01.</summary>
    public float WeightDecay { get; init; } = 0.01f;

    /// <summary>Dropout rate after each hidden ReLU, in [0, 1). Default 0.1.</summary>
    public float Dropout { get; init; } = 0.1f;

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

    /// <summary>
    /// The encoder layers the head reads (0 = embeddings … N = <c>last_hidden_state</c>), from the one encoder pass;
    /// empty (the default) reads the last layer only. A family that cannot mix layers refuses any other value.
    /// </summary>
    public IReadOnlyList<int> EncoderLayers { get; init; } = [];


    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public virtual void Validate()
    {
        CheckOptimiser(Epochs, BatchSize, LearningRate, WeightDecay);
        CheckDropout(Dropout, nameof(Dropout));
        CheckStopping(Patience, MinimumImprovement);
        Require(
            EncoderLayers is not null && EncoderLayers.All(l => l >= 0) && EncoderLayers.Distinct().Count() == EncoderLayers.Count,
            nameof(EncoderLayers),
            "must be a list of distinct layer numbers ≥ 0");
    }

    /// <summary>For families that read the last layer only: refuses a layer mix.</summary>
    protected void RequireLastLayerOnly(string family)
    {
        Require(EncoderLayers.Count == 0, nameof(EncoderLayers), $"is not supported by the {family} family (it reads the last layer only)");
    }
}
