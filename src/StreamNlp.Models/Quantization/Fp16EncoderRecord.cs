using System.Text.Json.Serialization;

namespace StreamNlp.Models.Quantization;

/// <summary>
/// <c>model-fp16.json</c>, written beside the cached fp16 graph: which fp32 graph (by SHA-256) and recipe it was
/// derived from, and the SHA-256 of the result, checked on every load as the fp32 file's pinned hash is.
/// </summary>
public sealed record Fp16EncoderRecord(
    [property: JsonPropertyName("derivedFromSha256")] string DerivedFromSha256,
    [property: JsonPropertyName("recipe")] string Recipe,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("fp16Initializers")] int Fp16Initializers,
    [property: JsonPropertyName("fp32Nodes")] int Fp32Nodes) : IDerivedEncoderRecord;
