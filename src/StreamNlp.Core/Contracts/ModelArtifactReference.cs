using System.Text.Json.Serialization;

namespace StreamNlp.Core.Contracts;

/// <summary>
/// Where a <c>model-updated</c> event's head travels: a compressed archive of the version's folder, published
/// on the models topic just before the event in <see cref="Chunks"/> messages (keys
/// <c>artifact/&lt;task&gt;/&lt;version&gt;/&lt;index&gt;</c>). A worker joins the chunks, checks
/// <see cref="Bytes"/> and <see cref="Sha256"/>, and writes the files into its own registry.
/// </summary>
public sealed record ModelArtifactReference
{
    /// <summary>SHA-256 (hex) of the whole archive.</summary>
    [JsonPropertyName("sha256")] public required string Sha256 { get; init; }

    /// <summary>Archive length in bytes.</summary>
    [JsonPropertyName("bytes")] public required long Bytes { get; init; }

    /// <summary>How many chunk messages carry it.</summary>
    [JsonPropertyName("chunks")] public required int Chunks { get; init; }
}
