using System.Text.Json.Serialization;

namespace StreamNlp.Core.Contracts;

/// <summary>
/// Published to the compacted <c>nlp.models</c> topic (key: the task) when a task's current head
/// changes, by promotion or rollback. The head itself travels with it (<see cref="Artifact"/>), so every
/// worker writes it into its own registry (no shared disk) and swaps it in between batches.
/// </summary>
public sealed record ModelUpdatedEvent
{
    public const string EventType = "model-updated";

    [JsonPropertyName("type")] public string Type { get; init; } = EventType;

    [JsonPropertyName("task")] public required string Task { get; init; }

    [JsonPropertyName("version")] public required string Version { get; init; }

    [JsonPropertyName("previousVersion")] public string? PreviousVersion { get; init; }

    /// <summary><c>promoted</c> (retrainer or <c>models promote</c>) or <c>rollback</c>.</summary>
    [JsonPropertyName("reason")] public required string Reason { get; init; }

    [JsonPropertyName("metrics")] public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>SHA-256 of the version's manifest.json, so a worker can tell it loaded the same files.</summary>
    [JsonPropertyName("manifestSha256")] public required string ManifestSha256 { get; init; }

    [JsonPropertyName("at")] public DateTimeOffset At { get; init; }

    /// <summary>The version's files, published in chunks just before this event; null in events from before artifacts travelled (the worker then needs the version on its own disk).</summary>
    [JsonPropertyName("artifact")] public ModelArtifactReference? Artifact { get; init; }
}
