using System.Text.Json.Serialization;

namespace StreamNlp.Core.Contracts.Feedback;

/// <summary>Source-generated JSON for feedback values; absent optional fields are left out.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FeedbackMessage))]
internal sealed partial class FeedbackJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Writes non-ASCII text as UTF-8 rather than <c>\uXXXX</c> escapes, so feedback stays readable in kcat and logs.
    /// Options passed to a context's constructor replace the attribute's, so the ignore condition is repeated here.
    /// </summary>
    public static FeedbackJsonContext Readable { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
