using System.Globalization;
using StreamNlp.Core.Hashing;
using StreamNlp.Models.Registry;

namespace StreamNlp.Retrainer.Challengers;

/// <summary>The training record of a challenger the retrainer trained: what data, how much, from which champion.</summary>
public static class RetrainRecord
{
    public static TrainingRecord Create(
        string? baseTrainFile, int baseTrainCount, int feedbackTrainCount, int holdoutCount, int devCount,
        int epochs, int bestEpoch, string championVersion, TimeSpan elapsed) => new()
    {
        TrainFile = baseTrainFile is null ? "feedback" : Path.GetFileName(baseTrainFile) + " + feedback",
        TrainSha256 = baseTrainFile is null ? null : FileHash.Sha256Of(baseTrainFile),
        DevFile = baseTrainFile is null ? "feedback holdout" : "base dev + feedback holdout",
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
        },
    };
}
