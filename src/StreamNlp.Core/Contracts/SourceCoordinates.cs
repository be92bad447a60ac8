using System.Text.Json.Serialization;

namespace StreamNlp.Core.Contracts;

/// <summary>Where an input came from.</summary>
public sealed record SourceCoordinates(
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("partition")] int Partition,
    [property: JsonPropertyName("offset")] long Offset)
{
    public override string ToString() => $"{Topic}/{Partition}/{Offset}";
}
