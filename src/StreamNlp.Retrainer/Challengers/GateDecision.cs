namespace StreamNlp.Retrainer.Challengers;

/// <summary>Whether the challenger is promoted, and why.</summary>
public sealed record GateDecision(bool Promote, string Reason);
