using StreamNlp.Models.Registry;
using StreamNlp.Retrainer.Storage;

namespace StreamNlp.Retrainer.Challengers;

/// <summary>What a retraining round did: the recorded run, the gate's decision and the challenger's manifest.</summary>
public sealed record ChallengeResult(RetrainRun Run, GateDecision Decision, HeadManifest Challenger, string ChampionVersion);
