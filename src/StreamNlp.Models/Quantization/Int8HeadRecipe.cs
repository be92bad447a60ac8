using Onnx;

namespace StreamNlp.Models.Quantization;

/// <summary>
/// How a task head is made int8 when it serves the int8 encoder: in memory, at load, from the head file the
/// registry has just verified against its manifest (nothing is written or cached: a head quantizes in
/// milliseconds). Generic over any head graph, adapters included: every 1-D convolution with a constant weight
/// (<see cref="DynamicConvQuantizer"/>) and every weight MatMul (<see cref="DynamicMatMulQuantizer"/>) with at least
/// <see cref="MinimumColumns"/> outputs becomes integer like the encoder's MatMuls: symmetric int8 weights, one scale
/// per output column, activations quantized per run. Narrower products (logits, attention scores, a residual
/// adapter's correction and gate) stay fp32: they cost next to nothing, and their rounding would land directly on
/// the probabilities.
/// </summary>
public sealed record Int8HeadRecipe(string Id, QuantizationGranularity Granularity, int MinimumColumns)
{
    /// <summary>The shipped recipe: convolutions and weight MatMuls with 32 or more outputs int8, one scale per output.</summary>
    public static Int8HeadRecipe Default { get; } = new("head-conv-matmul-s8-per-column-min32-v1", QuantizationGranularity.PerColumn, 32);

    /// <summary>Rewrites <paramref name="model"/> in place and says what it did.</summary>
    public HeadQuantizationReport Quantize(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var convolutions = new DynamicConvQuantizer(Granularity, MinimumColumns).Quantize(model);
        var report = new DynamicMatMulQuantizer(Granularity, m => m.Columns >= MinimumColumns).Quantize(model);
        model.MetadataProps.Add(new StringStringEntryProto { Key = "streamnlp.int8_head_recipe", Value = Id });
        return new HeadQuantizationReport(Id, convolutions, report.Quantized, report.KeptFloat);
    }
}

/// <summary>
/// What <see cref="Int8HeadRecipe.Quantize"/> did to a head: the convolutions it made int8, and the weight MatMuls it
/// made int8 or kept fp32.
/// </summary>
public sealed record HeadQuantizationReport(
    string Recipe, IReadOnlyList<string> Convolutions, IReadOnlyList<WeightMatMul> Quantized, IReadOnlyList<WeightMatMul> KeptFloat)
{
    /// <summary>For the log: "2 convolutions and 0 weight MatMuls int8, 1 MatMul kept fp32 (recipe …)".</summary>
    public override string ToString() =>
        $"{Convolutions.Count} convolutions and {Quantized.Count} weight MatMuls int8, {KeptFloat.Count} MatMuls kept fp32 (recipe {Recipe})";
}
