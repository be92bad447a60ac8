namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>What <see cref="TransformerBlock.Forward"/> keeps for the backward pass, for <see cref="Rows"/> packed positions.</summary>
public sealed class TransformerBlockActivations
{
    internal TransformerBlockActivations(float[] input, int[] offsets, int hidden, int heads, int intermediate)
    {
        var rows = offsets[^1];
        Input = input;
        Offsets = offsets;
        Query = new float[rows * hidden];
        Key = new float[rows * hidden];
        Value = new float[rows * hidden];
        Probabilities = new float[MultiHeadSelfAttention.ProbabilityCount(offsets, heads)];
        Context = new float[rows * hidden];
        AttentionResidual = new float[rows * hidden];
        AttentionNormalized = new float[rows * hidden];
        AttentionInverseDeviation = new float[rows];
        AttentionNormOutput = new float[rows * hidden];
        IntermediatePreActivation = new float[rows * intermediate];
        IntermediateActivation = new float[rows * intermediate];
        OutputResidual = new float[rows * hidden];
        OutputNormalized = new float[rows * hidden];
        OutputInverseDeviation = new float[rows];
        Output = new float[rows * hidden];
    }

    /// <summary>The block's input, <c>rows × hidden</c> (kept, not copied).</summary>
    public float[] Input { get; }

    /// <summary>Sequence boundaries: sequence <c>s</c> is rows <c>Offsets[s] … Offsets[s+1] − 1</c>.</summary>
    public int[] Offsets { get; }

    public int Rows => Offsets[^1];

    public float[] Query { get; }

    public float[] Key { get; }

    public float[] Value { get; }

    public float[] Probabilities { get; }

    public float[] Context { get; }

    /// <summary>Attention output projection plus the input (the first residual).</summary>
    public float[] AttentionResidual { get; }

    public float[] AttentionNormalized { get; }

    public float[] AttentionInverseDeviation { get; }

    /// <summary>The first LayerNorm's output: the feed-forward input and its residual.</summary>
    public float[] AttentionNormOutput { get; }

    public float[] IntermediatePreActivation { get; }

    public float[] IntermediateActivation { get; }

    public float[] OutputResidual { get; }

    public float[] OutputNormalized { get; }

    public float[] OutputInverseDeviation { get; }

    /// <summary>The block's output, <c>rows × hidden</c>.</summary>
    public float[] Output { get; }
}
