using System.Text.Json.Serialization;

namespace StreamNlp.Models.Quantization;

/// <summary>
/// <c>model-int8.json</c>, written beside the cached int8 graph: which fp32 graph (by SHA-256) and recipe it
/// was derived from, and the SHA-256 of the result, checked on every load as the fp32 file's pinned hash is.
/// </summary>
public sealed record Int8EncoderRecord(
    [property: JsonPropertyName("derivedFromSha256")] string DerivedFromSha256,
    [property: JsonPropertyName("recipe")] string Recipe,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("quantizedMatMuls")] int QuantizedMatMuls) : IDerivedEncoderRecord;
