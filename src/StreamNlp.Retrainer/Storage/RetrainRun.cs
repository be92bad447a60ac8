using StreamNlp.Core.Tasks;

namespace StreamNlp.Retrainer.Storage;

/// <summary>
/// One retrain attempt, kept for visibility: how many examples it trained on, the champion's and the
/// challenger's metrics on the gate, and whether the challenger was promoted.
/// </summary>
/// <param name="Decision">"promoted", "rejected", "failed" or "lease-lost" (see <see cref="RetrainDecisions"/>).</param>
/// <param name="Reason">Why: the gate's verdict or the failure message.</param>
public sealed record RetrainRun(
    NlpTask Task,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int Examples,
    string ChampionVersion,
    string? ChallengerVersion,
    IReadOnlyDictionary<string, double> Champion,
    IReadOnlyDictionary<string, double> Challenger,
    string Decision,
    string Reason);
