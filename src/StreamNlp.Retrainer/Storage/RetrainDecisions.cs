namespace StreamNlp.Retrainer.Storage;

/// <summary>The values of <see cref="RetrainRun.Decision"/>.</summary>
public static class RetrainDecisions
{
    public const string Promoted = "promoted";
    public const string Rejected = "rejected";
    public const string Failed = "failed";

    /// <summary>The challenger passed the gate, but this instance lost the retrainer lease before publishing it.</summary>
    public const string LeaseLost = "lease-lost";
}
