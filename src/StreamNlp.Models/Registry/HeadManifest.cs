using System.Text.Json.Serialization;

namespace StreamNlp.Models.Registry;

/// <summary>
/// What a task-head version is: its task, labels and version, the encoder it was trained on (by
/// SHA-256), the SHA-256 of each of its files, its dev metrics and how it was trained. Written as
/// <c>manifest.json</c> beside the head; checked on every load.
/// </summary>
public sealed record HeadManifest
{
    [JsonPropertyName("task")] public required string Task { get; init; }

    [JsonPropertyName("version")] public required string Version { get; init; }

    /// <summary>Head architecture, e.g. <c>mean-pool-softmax</c> or <c>token-softmax</c>.</summary>
    [JsonPropertyName("kind")] public required string Kind { get; init; }

    /// <summary>Output labels in the order of the head's output; BIO tags for NER.</summary>
    [JsonPropertyName("labels")] public required IReadOnlyList<string> Labels { get; init; }

    [JsonPropertyName("createdAt")] public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("encoder")] public required EncoderReference Encoder { get; init; }

    /// <summary>File name (relative to the version folder) → lower-case hex SHA-256.</summary>
    [JsonPropertyName("files")] public required IReadOnlyDictionary<string, string> Files { get; init; }

    /// <summary>Dev-set metrics, as fractions in [0, 1] (accuracy, macroF1, precision, recall, f1).</summary>
    [JsonPropertyName("metrics")] public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    [JsonPropertyName("training")] public TrainingRecord? Training { get; init; }
}
