namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>Where adaptation stands: steps done of the total, time so far and the mean loss of the recent steps.</summary>
public readonly record struct AdaptationProgress(int Epoch, int Step, int TotalSteps, TimeSpan Elapsed, double RecentLoss)
{
    /// <summary>The time left at the pace so far.</summary>
    public TimeSpan Remaining => Step == 0 ? TimeSpan.Zero : Elapsed * ((double)(TotalSteps - Step) / Step);
}
