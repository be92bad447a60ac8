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

    /// <summary>The head family and its options: what trained this head, and what a retrained challenger reuses.</summary>
    [JsonPropertyName("head")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public HeadRecipe? Head { get; init; }

    /// <summary>
    /// The architecture string that manifests written before head families carried instead of <see cref="Head"/>
    /// (e.g. <c>mean-pool-mlp-512</c>, <c>attention-proj256-…</c>, <c>cnn-k3-3-c256</c>; the shipped models still do).
    /// Never written any more; read only through the training library's one compatibility mapping
    /// (<c>LegacyHeadKinds</c>).
    /// </summary>
    [JsonPropertyName("kind")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    /// <summary>Output labels in the order of the head's output; BIO tags for NER.</summary>
    [JsonPropertyName("labels")] public required IReadOnlyList<string> Labels { get; init; }

    [JsonPropertyName("createdAt")] public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("encoder")] public required EncoderReference Encoder { get; init; }

    /// <summary>File name (relative to the version folder) → lower-case hex SHA-256.</summary>
    [JsonPropertyName("files")] public required IReadOnlyDictionary<string, string> Files { get; init; }

    /// <summary>Dev-set metrics, as fractions in [0, 1] (accuracy, macroF1, precision, recall, f1).</summary>
    [JsonPropertyName("metrics")] public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The replay set in the version folder (base data to replay and dev rows for the forgetting check); null when it has none.</summary>
    [JsonPropertyName("replay")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ReplayRecord? Replay { get; init; }

    [JsonPropertyName("training")] public TrainingRecord? Training { get; init; }
}
