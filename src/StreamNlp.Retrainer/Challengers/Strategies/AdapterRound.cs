using StreamNlp.Training.Workflows;

namespace StreamNlp.Retrainer.Challengers.Strategies;

/// <summary>An adapter round: the registered challenger, and per feedback example whether the champion and the adapter trained without its fold got it right.</summary>
public sealed record AdapterRound(TrainOutcome Outcome, bool[] ChampionCorrect, bool[] ChallengerCorrect);
