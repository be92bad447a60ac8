using System.Text.Json.Serialization;

namespace StreamNlp.Models.Registry;

/// <summary>The encoder a head was trained on: heads only run on the exact encoder they learned from.</summary>
public sealed record EncoderReference(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("sha256")] string Sha256);
