using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamNlp.Models.Registry;

/// <summary>
/// How a head was built, as the manifest records it: the name of its head family and that family's options as a JSON
/// object (<c>{"family": "dense", "options": {"epochs": 60, "hiddenSizes": [512], …}}</c>). The training library reads
/// the options back into the family's typed options record; the serving side never needs them.
/// </summary>
/// <param name="Family">The head family's name, e.g. <c>dense</c>, <c>attention</c>, <c>cnn</c>.</param>
/// <param name="Options">The family's options, every setting written out.</param>
public sealed record HeadRecipe(
    [property: JsonPropertyName("family")] string Family,
    [property: JsonPropertyName("options")] JsonElement Options);
