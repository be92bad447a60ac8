namespace StreamNlp.Retrainer.Challengers.Strategies;

/// <summary>
/// How the retrainer builds a challenger from the champion, its replay set and the feedback
/// (<c>StreamNlp:Retrainer:Strategy</c>). The figures that chose the default are in <c>docs/FEEDBACK-LEARNING.md</c>.
/// </summary>
public enum RetrainStrategy
{
    /// <summary>
    /// Keep the champion frozen and train a residual linear adapter next to it on feedback plus replay, feedback
    /// carrying <c>FeedbackShare</c> of the loss (sentence tasks with the champion's labels; otherwise
    /// <see cref="Weighted"/>).
    /// </summary>
    Adapter,

    /// <summary>Train a new head of the champion's family and options from scratch on replay plus feedback, the feedback repeated so it carries <c>FeedbackShare</c> of the examples.</summary>
    Weighted,

    /// <summary>Train a new head of the champion's family and options from scratch on replay plus feedback, each example counted once.</summary>
    Replay,
}
