using System.Text.Json.Serialization;
using StreamNlp.Core.Contracts.Feedback;

namespace StreamNlp.Retrainer.Storage;

/// <summary>
/// Source-generated JSON for the columns <see cref="FeedbackStore"/> keeps as JSON: NER entities and metric
/// maps. Named floating-point literals are allowed because a metric can be NaN (e.g. an F1 with no support).
/// </summary>
[JsonSourceGenerationOptions(
    WriteIndented = false,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(List<FeedbackEntity>))]
[JsonSerializable(typeof(Dictionary<string, double>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext
{
}
