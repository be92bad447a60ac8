using System.Text.Json.Serialization;

namespace StreamNlp.Models.Encoders;

/// <summary>
/// <c>encoder.json</c> of an adapted encoder (<c>models/encoders/&lt;name&gt;/</c>): the published encoder it starts
/// from (by name and SHA-256), the file of replaced weights (the tuned top blocks, <see cref="EncoderWeightDelta"/>)
/// and the SHA-256 the resulting graph must have. The graph itself is rebuilt from these at first use, so only the
/// tuned blocks (a few MB) ship, never a copy of the 90 MB encoder.
/// </summary>
public sealed record AdaptedEncoderDefinition(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("baseEncoder")] string BaseEncoder,
    [property: JsonPropertyName("baseSha256")] string BaseSha256,
    [property: JsonPropertyName("deltaFile")] string DeltaFile,
    [property: JsonPropertyName("deltaSha256")] string DeltaSha256,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("tunedBlocks")] IReadOnlyList<int> TunedBlocks)
{
    public const string FileName = "encoder.json";

    /// <summary>How it was trained: options, data, time, and the adaptation heads' dev figures before and after.</summary>
    [JsonPropertyName("training")]
    public IReadOnlyDictionary<string, string> Training { get; init; } = new Dictionary<string, string>();
}
