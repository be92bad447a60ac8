namespace StreamNlp.Training.Adapters;

/// <summary>How a <see cref="ResidualAdapter"/> is trained.</summary>
public sealed record ResidualAdapterOptions
{
    /// <summary>
    /// Share of the loss the feedback examples carry (the rest goes to the replay examples), whatever their counts.
    /// Default 0.5: 400 labels weigh as much as thousands of replayed base rows.
    /// </summary>
    public double FeedbackShare { get; init; } = 0.5;

    /// <summary>L2 penalty on the adapter's weights (not its bias); keeps the correction small where the data says little. Default 1e-3.</summary>
    public double L2 { get; init; } = 1e-3;

    /// <summary>Full-batch Adam steps (the problem is convex and small). Default 300.</summary>
    public int Steps { get; init; } = 300;

    /// <summary>Adam step size. Default 0.05.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Learn the factor on the champion's log-probabilities (kept in [0.05, 1]); false keeps it at 1. Default true.</summary>
    public bool LearnChampionScale { get; init; } = true;

    /// <summary>
    /// Learn a domain gate (feedback rows vs replayed rows) and apply the correction only as far as an input looks like
    /// the feedback, so inputs like the base data keep the champion's answers. Default true.
    /// </summary>
    public bool DomainGate { get; init; } = true;

    /// <exception cref="ArgumentException">A setting out of range.</exception>
    public void Validate()
    {
        if (FeedbackShare is <= 0 or >= 1)
        {
            throw new ArgumentException($"FeedbackShare must be between 0 and 1 (exclusive), got {FeedbackShare}.");
        }

        if (L2 < 0 || Steps < 1 || LearningRate <= 0)
        {
            throw new ArgumentException($"Invalid adapter settings: L2 {L2}, steps {Steps}, learning rate {LearningRate}.");
        }
    }
}
