namespace StreamNlp.Models.Quantization;

/// <summary>
/// How the int8 encoder is derived: the weight granularity and which weight MatMuls are quantized.
/// <see cref="Id"/> is written into the cached graph's record, so changing the recipe rebuilds the
/// cached file instead of serving one made the old way.
/// </summary>
public sealed record Int8EncoderRecipe(string Id, QuantizationGranularity Granularity, Func<WeightMatMul, bool>? Include = null, bool FoldBias = true)
{
    /// <summary>
    /// The shipped recipe: all 36 weight MatMuls of the 6 layers, one scale per output column, biases folded
    /// into the integer kernel. Per column because the FFN output matrices have a few columns with weights up
    /// to 42× the typical column's largest (layer 0), which a single scale rounds badly; folding the bias ran
    /// about 7% faster with identical metrics (docs/INT8.md compares the variants).
    /// </summary>
    public static Int8EncoderRecipe Default { get; } = new("matmul-s8-per-column-bias-v1", QuantizationGranularity.PerColumn);

    public DynamicMatMulQuantizer CreateQuantizer() => new(Granularity, Include, FoldBias);
}
