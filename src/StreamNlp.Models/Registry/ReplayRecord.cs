using System.Text.Json.Serialization;

namespace StreamNlp.Models.Registry;

/// <summary>
/// The replay set a model version carries in its own folder: a bounded, seeded sample of the data it was trained on
/// (training rows to replay when it is retrained, dev rows for the forgetting check). The files are listed, with
/// their SHA-256, in the manifest's <c>files</c>, so they are verified and travel with the model.
/// </summary>
public sealed record ReplayRecord
{
    /// <summary>The training sample's file in the version folder, e.g. <c>replay-train.jsonl</c>.</summary>
    [JsonPropertyName("trainFile")] public required string TrainFile { get; init; }

    /// <summary>The dev sample's file in the version folder.</summary>
    [JsonPropertyName("devFile")] public required string DevFile { get; init; }

    [JsonPropertyName("trainRows")] public int TrainRows { get; init; }

    [JsonPropertyName("devRows")] public int DevRows { get; init; }

    /// <summary>The seed of the sample.</summary>
    [JsonPropertyName("seed")] public int Seed { get; init; }

    /// <summary>Where the sample was drawn from (file names, not paths).</summary>
    [JsonPropertyName("source")] public string? Source { get; init; }

    /// <summary>SHA-256 of the source training file.</summary>
    [JsonPropertyName("sourceSha256")] public string? SourceSha256 { get; init; }
}
