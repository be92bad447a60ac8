using System.Text.Json.Serialization;

namespace StreamNlp.Models.Registry;

/// <summary>How a head was trained: data files and their hashes, sizes and the trainer's settings.</summary>
public sealed record TrainingRecord
{
    [JsonPropertyName("trainFile")] public string? TrainFile { get; init; }

    [JsonPropertyName("trainSha256")] public string? TrainSha256 { get; init; }

    [JsonPropertyName("devFile")] public string? DevFile { get; init; }

    [JsonPropertyName("trainExamples")] public int TrainExamples { get; init; }

    [JsonPropertyName("devExamples")] public int DevExamples { get; init; }

    [JsonPropertyName("epochs")] public int Epochs { get; init; }

    [JsonPropertyName("seconds")] public double Seconds { get; init; }

    [JsonPropertyName("settings")] public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
