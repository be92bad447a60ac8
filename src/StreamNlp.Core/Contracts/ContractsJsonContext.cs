using System.Text.Json.Serialization;

namespace StreamNlp.Core.Contracts;

/// <summary>Source-generated JSON for the records StreamNlp publishes.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(EnrichedRecord))]
[JsonSerializable(typeof(ModelUpdatedEvent))]
[JsonSerializable(typeof(ReviewItem))]
public sealed partial class ContractsJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context used for output: non-ASCII text is written as UTF-8, not as <c>\uXXXX</c> escapes,
    /// so records stay readable in kcat and logs. (HTML-sensitive characters are not escaped either: these
    /// records are data, never embedded in HTML.)
    /// </summary>
    public static ContractsJsonContext Readable { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        // Options given here replace the attribute's, so its settings are repeated.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
        // Metrics can be NaN (e.g. F1 with no entities); write them rather than fail.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    });
}
