using System.Text.Json.Serialization;

namespace StreamNlp.Models.Quantization;

/// <summary>Source-generated JSON for <see cref="Int8EncoderRecord"/> and <see cref="Fp16EncoderRecord"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(Int8EncoderRecord))]
[JsonSerializable(typeof(Fp16EncoderRecord))]
internal sealed partial class QuantizationJsonContext : JsonSerializerContext;
