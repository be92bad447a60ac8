using static StreamNlp.Training.NeuralNetworks.TrainingOptionChecks;

namespace StreamNlp.Training.NeuralNetworks.Attention;

/// <summary>Settings of <see cref="AttentionSequenceHeadTrainer"/> and the shape of the <see cref="AttentionSequenceHead"/> it builds.</summary>
public sealed record AttentionSequenceHeadOptions : HeadTrainingOptions
{
    /// <summary>
    /// The shared settings with this family's defaults: 6 epochs (with the decaying step size, the best epoch on SST-2
    /// is the last) and the step size lowered linearly to 0 over them; dropout 0.1 after each hidden ReLU of the classifier.
    /// </summary>
    public AttentionSequenceHeadOptions()
    {
        Epochs = 6;
        DecayLearningRate = true;
    }

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

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public override void Validate()
    {
        base.Validate();
        RequireLastLayerOnly("attention");
        CheckDropout(PooledDropout, nameof(PooledDropout));
        CheckDropout(TokenDropout, nameof(TokenDropout));
        Require(TokenProjectionSize >= 0, nameof(TokenProjectionSize), $"must be zero or positive, got {TokenProjectionSize}");
        Require(AttentionHeads >= 0, nameof(AttentionHeads), $"must be zero or positive, got {AttentionHeads}");
        Require(Enum.IsDefined(Scoring), nameof(Scoring), $"is not a known scoring, got {Scoring}");
        Require(AttentionHeads == 0 || Scoring != AttentionScoring.Additive || AttentionSize >= 1, nameof(AttentionSize), $"must be at least 1 for additive attention, got {AttentionSize}");
        Require(AttentionHeads > 0 || MeanPooling || MaxPooling, nameof(AttentionHeads), "is 0 and mean and max pooling are off: nothing pools the positions");
        Require(HiddenSizes is not null && HiddenSizes.All(h => h >= 0), nameof(HiddenSizes), "must be a list of sizes ≥ 0");
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
