using StreamNlp.Core.Contracts.Feedback;

namespace StreamNlp.Retrainer.Labeling;

/// <summary>What a person answered for one review item: feedback to publish, a skip, or quit.</summary>
public sealed record LabelDecision(FeedbackExample? Feedback, bool Quit = false)
{
    public static LabelDecision Skip { get; } = new((FeedbackExample?)null);

    public static LabelDecision Stop { get; } = new(null, Quit: true);
}
