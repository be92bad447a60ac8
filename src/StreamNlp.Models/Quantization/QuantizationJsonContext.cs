using System.Text.Json.Serialization;

namespace StreamNlp.Models.Quantization;

/// <summary>Source-generated JSON for <see cref="Int8EncoderRecord"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(Int8EncoderRecord))]
internal sealed partial class QuantizationJsonContext : JsonSerializerContext;
