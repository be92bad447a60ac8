namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// The checks the trainers' options records share in their <c>Validate</c> methods, each throwing
/// <see cref="ArgumentException"/> with a message that starts with the setting's name.
/// </summary>
internal static class TrainingOptionChecks
{
    /// <summary>Checks Epochs, BatchSize, LearningRate and WeightDecay, in that order.</summary>
    public static void CheckOptimiser(int epochs, int batchSize, float learningRate, float weightDecay)
    {
        Require(epochs >= 1, "Epochs", $"must be at least 1, got {epochs}");
        Require(batchSize >= 1, "BatchSize", $"must be at least 1, got {batchSize}");
        Require(learningRate > 0f && !float.IsInfinity(learningRate), "LearningRate", $"must be positive, got {learningRate}");
        Require(weightDecay >= 0f && !float.IsInfinity(weightDecay), "WeightDecay", $"must be zero or positive, got {weightDecay}");
    }

    /// <summary>Checks that the dropout rate <paramref name="rate"/> of <paramref name="setting"/> is in [0, 1).</summary>
    public static void CheckDropout(float rate, string setting) =>
        Require(rate is >= 0f and < 1f, setting, $"must be in [0, 1), got {rate}");

    /// <summary>Checks Patience and MinimumImprovement, in that order.</summary>
    public static void CheckStopping(int patience, double minimumImprovement)
    {
        Require(patience >= 0, "Patience", $"must be zero or positive, got {patience}");
        Require(minimumImprovement >= 0, "MinimumImprovement", $"must be zero or positive, got {minimumImprovement}");
    }

    /// <summary>Throws "<paramref name="setting"/> <paramref name="message"/>." unless <paramref name="condition"/> holds.</summary>
    public static void Require(bool condition, string setting, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"{setting} {message}.");
        }
    }
}
