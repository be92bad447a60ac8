using static StreamNlp.Training.NeuralNetworks.TrainingOptionChecks;

namespace StreamNlp.Training.NeuralNetworks.Attention;

/// <summary>Settings of <see cref="AttentionSequenceHeadTrainer"/> and the shape of the <see cref="AttentionSequenceHead"/> it builds.</summary>
public sealed record AttentionSequenceHeadOptions
{
    /// <summary>Maximum passes over the training set. Default 6 (with the decaying step size, the best epoch on SST-2 is the last).</summary>
    public int Epochs { get; init; } = 6;

    /// <summary>Sequences per mini-batch (one AdamW step each). Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>AdamW step size (the peak, when <see cref="DecayLearningRate"/> is on). Default 1e-3.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Lowers the step size linearly per batch from <see cref="LearningRate"/> to 0 over <see cref="Epochs"/>. Default on.</summary>
    public bool DecayLearningRate { get; init; } = true;

    /// <summary>Decoupled weight decay λ, applied to weights but not biases. Default 0.01.</summary>
    public float WeightDecay { get; init; } = 0.01f;

    /// <summary>Dropout rate after each hidden ReLU of the classifier, in [0, 1). Default 0.1.</summary>
    public float Dropout { get; init; } = 0.1f;

    /// <summary>Dropout rate on the pooled sentence vector (the classifier's input), in [0, 1). Default 0.</summary>
    public float PooledDropout { get; init; }

    /// <summary>
    /// Width of a dense + ReLU layer applied to every position before pooling (a learned per-token feature map);
    /// 0 pools the encoder states themselves. Default 256.
    /// </summary>
    public int TokenProjectionSize { get; init; } = 256;

    /// <summary>Dropout rate on the token projection's outputs, in [0, 1); unused without it. Default 0.</summary>
    public float TokenDropout { get; init; }

    /// <summary>Attention heads (independent softmaxes over positions); 0 for no attention pooling. Default 2.</summary>
    public int AttentionHeads { get; init; } = 2;

    /// <summary>How attention scores positions. Default additive.</summary>
    public AttentionScoring Scoring { get; init; } = AttentionScoring.Additive;

    /// <summary>Width of the additive scorer's tanh layer. Default 128.</summary>
    public int AttentionSize { get; init; } = 128;

    /// <summary>Appends the masked mean of the positions to the pooled vector. Default on.</summary>
    public bool MeanPooling { get; init; } = true;

    /// <summary>Appends the masked element-wise maximum of the positions to the pooled vector. Default on.</summary>
    public bool MaxPooling { get; init; } = true;

    /// <summary>Sizes of the classifier's hidden layers (dense → ReLU → dropout); empty for a linear classifier. Default [256].</summary>
    public IReadOnlyList<int> HiddenSizes { get; init; } = [256];

    /// <summary>Stop after this many epochs without a better dev metric; 0 never stops early. Default 3.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>How much the dev metric must rise to count as better. Default 0.</summary>
    public double MinimumImprovement { get; init; }

    /// <summary>Seeds initialisation, shuffling and dropout; equal seeds give equal models. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Weights each class by <c>N / (classes · count)</c> in the loss ("balanced"). Default off.</summary>
    public bool ClassWeighting { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        CheckOptimiser(Epochs, BatchSize, LearningRate, WeightDecay);
        CheckDropout(Dropout, nameof(Dropout));
        CheckDropout(PooledDropout, nameof(PooledDropout));
        CheckDropout(TokenDropout, nameof(TokenDropout));
        Require(TokenProjectionSize >= 0, nameof(TokenProjectionSize), $"must be zero or positive, got {TokenProjectionSize}");
        Require(AttentionHeads >= 0, nameof(AttentionHeads), $"must be zero or positive, got {AttentionHeads}");
        Require(Enum.IsDefined(Scoring), nameof(Scoring), $"is not a known scoring, got {Scoring}");
        Require(AttentionHeads == 0 || Scoring != AttentionScoring.Additive || AttentionSize >= 1, nameof(AttentionSize), $"must be at least 1 for additive attention, got {AttentionSize}");
        Require(AttentionHeads > 0 || MeanPooling || MaxPooling, nameof(AttentionHeads), "is 0 and mean and max pooling are off: nothing pools the positions");
        Require(HiddenSizes is not null && HiddenSizes.All(h => h >= 0), nameof(HiddenSizes), "must be a list of sizes ≥ 0");
        CheckStopping(Patience, MinimumImprovement);
    }

    /// <summary>A short name of the architecture, e.g. <c>proj256-attn2x128-mean-max-mlp256</c>.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (TokenProjectionSize > 0)
        {
            parts.Add($"proj{TokenProjectionSize}");
        }

        if (AttentionHeads > 0)
        {
            parts.Add(Scoring == AttentionScoring.Additive ? $"attn{AttentionHeads}x{AttentionSize}" : $"dot{AttentionHeads}");
        }

        if (MeanPooling)
        {
            parts.Add("mean");
        }

        if (MaxPooling)
        {
            parts.Add("max");
        }

        var hidden = HiddenSizes.Where(h => h > 0).ToArray();
        parts.Add(hidden.Length == 0 ? "linear" : "mlp" + string.Join("-", hidden));
        return string.Join("-", parts);
    }
}
