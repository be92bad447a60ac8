namespace StreamNlp.Models.Quantization;

/// <summary>
/// A MatMul whose second input is a constant float initializer of shape [<see cref="Rows"/>,
/// <see cref="Columns"/>]: what <see cref="DynamicMatMulQuantizer"/> can rewrite.
/// <see cref="Ordinal"/> counts these MatMuls in graph order from 0, which is how a recipe names
/// layers and roles in a graph whose initializers carry exporter-generated names.
/// </summary>
public sealed record WeightMatMul(int Ordinal, string NodeName, string ActivationName, string WeightName, int Rows, int Columns);
