namespace StreamNlp.Retrainer.Challengers;

/// <summary>
/// How one model did: per held-out feedback example whether it was right, its score there (accuracy,
/// or entity F1 for NER), and its score on the base dev data when that is configured.
/// </summary>
public sealed record Scorecard(bool[] HoldoutCorrect, double HoldoutScore, double? BaseScore)
{
    public IReadOnlyDictionary<string, double> ToMetrics()
    {
        var metrics = new Dictionary<string, double> { ["feedbackHoldout"] = HoldoutScore };
        if (BaseScore is { } score)
        {
            metrics["baseDev"] = score;
        }

        return metrics;
    }
}
