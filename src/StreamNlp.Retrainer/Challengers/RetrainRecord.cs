using System.Globalization;
using StreamNlp.Retrainer.Challengers.Strategies;
using StreamNlp.Models.Registry;
using StreamNlp.Training.Replay;

namespace StreamNlp.Retrainer.Challengers;

/// <summary>The training record of a challenger the retrainer trained: what data, how much, from which champion.</summary>
public static class RetrainRecord
{
    public static TrainingRecord Create(
        ReplaySet? replay, int baseTrainCount, int feedbackTrainCount, int holdoutCount, int devCount,
        int epochs, int bestEpoch, string championVersion, TimeSpan elapsed, RetrainStrategy strategy, int feedbackRepeats = 1,
        IReadOnlyDictionary<string, string>? extra = null) => new()
    {
        TrainFile = replay is null ? "feedback" : $"replay ({replay.Record.Source}) + feedback",
        TrainSha256 = replay?.Record.SourceSha256,
        DevFile = replay is null ? "feedback holdout" : "replay dev + feedback holdout",
        TrainExamples = baseTrainCount + feedbackTrainCount,
        DevExamples = devCount,
        Epochs = epochs,
        Seconds = Math.Round(elapsed.TotalSeconds, 1),
        Settings = new Dictionary<string, string>
        {
            ["source"] = "retrainer",
            ["feedbackTrain"] = feedbackTrainCount.ToString(CultureInfo.InvariantCulture),
            ["feedbackHoldout"] = holdoutCount.ToString(CultureInfo.InvariantCulture),
            ["champion"] = championVersion,
            ["bestEpoch"] = bestEpoch.ToString(CultureInfo.InvariantCulture),
            ["strategy"] = strategy.ToString(),
            ["feedbackRepeats"] = feedbackRepeats.ToString(CultureInfo.InvariantCulture),
        }.Concat(extra ?? new Dictionary<string, string>()).ToDictionary(p => p.Key, p => p.Value),
    };
}
