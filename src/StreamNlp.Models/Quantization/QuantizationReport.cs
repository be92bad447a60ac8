namespace StreamNlp.Models.Quantization;

/// <summary>What <see cref="DynamicMatMulQuantizer.Quantize"/> did: MatMuls rewritten to int8 and those left in fp32.</summary>
public sealed record QuantizationReport(IReadOnlyList<WeightMatMul> Quantized, IReadOnlyList<WeightMatMul> KeptFloat);
