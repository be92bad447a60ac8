namespace StreamNlp.Labeling.Api;

/// <summary>
/// One retrainer decision with its numbers: champion and challenger scored on the held-out feedback
/// (<c>feedbackHoldout</c>) and on the base dev data (<c>baseDev</c>); a metric that was not a number is null.
/// </summary>
public sealed record RetrainDecisionView(
    string Task,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int Examples,
    string Champion,
    string? Challenger,
    IReadOnlyDictionary<string, double?> ChampionMetrics,
    IReadOnlyDictionary<string, double?> ChallengerMetrics,
    string Decision,
    string Reason);
