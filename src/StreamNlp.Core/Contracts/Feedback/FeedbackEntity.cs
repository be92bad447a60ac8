using System.Text.Json.Serialization;

namespace StreamNlp.Core.Contracts.Feedback;

/// <summary>
/// One labelled entity of NER feedback: <see cref="Start"/> and <see cref="End"/> are UTF-16 character
/// offsets into the feedback text (end exclusive), so <c>text[Start..End]</c> is the mention.
/// <see cref="Label"/> is an entity type such as <c>PER</c> or <c>LOC</c>, never a BIO tag.
/// </summary>
public sealed record FeedbackEntity(
    [property: JsonPropertyName("start")] int Start,
    [property: JsonPropertyName("end")] int End,
    [property: JsonPropertyName("label")] string Label);
