using System.Text.Json.Serialization;

namespace StreamNlp.Core.Contracts;

/// <summary>
/// A named entity: <see cref="Start"/> and <see cref="End"/> are UTF-16 character offsets into the
/// enriched record's text, so <c>text[Start..End] == Text</c>. <see cref="Score"/> is the mean
/// probability of the entity's tags.
/// </summary>
public sealed record EntityMention(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("start")] int Start,
    [property: JsonPropertyName("end")] int End,
    [property: JsonPropertyName("score")] float Score);
