using System.Text.Json;
using System.Text.Json.Serialization;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Training.HeadFamilies;

/// <summary>
/// The JSON form of head options, as manifests store them: camelCase names, enums as camelCase strings, and an option
/// the family does not have is an error (a typo must not silently train something else).
/// </summary>
internal static class HeadOptionsJson
{
    private static readonly JsonSerializerOptions Settings = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static TOptions Read<TOptions>(JsonElement options, string family)
        where TOptions : HeadTrainingOptions
    {
        if (options.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"The options of head family '{family}' must be a JSON object, got {options.ValueKind}.", nameof(options));
        }

        try
        {
            return options.Deserialize<TOptions>(Settings)
                ?? throw new ArgumentException($"The options of head family '{family}' are empty.", nameof(options));
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The options of head family '{family}' are invalid: {ex.Message}", nameof(options), ex);
        }
    }

    public static JsonElement Write<TOptions>(TOptions options)
        where TOptions : HeadTrainingOptions => JsonSerializer.SerializeToElement(options, Settings);
}
