using System.Text.RegularExpressions;
using StreamNlp.Core.Contracts.Feedback;

namespace StreamNlp.Labeling.Api;

/// <summary>Which request field a <see cref="FeedbackParser"/> reason code is about, for the 400 problem's <c>errors</c>.</summary>
public static partial class FeedbackProblemFields
{
    /// <summary>The body as a whole (size, encoding, JSON).</summary>
    public const string Body = "body";

    public static string For(string code, string? detail) => code switch
    {
        FeedbackErrors.UnknownTask => "task",
        FeedbackErrors.MissingText or FeedbackErrors.EmptyText => "text",
        FeedbackErrors.MissingLabel => "label",
        FeedbackErrors.InvalidId => "id",
        FeedbackErrors.InvalidSource => "source",
        FeedbackErrors.MissingEntities or FeedbackErrors.SpansOverlap => "entities",
        FeedbackErrors.InvalidEntity or FeedbackErrors.SpanOutOfRange =>
            detail is not null && EntityIndex().Match(detail) is { Success: true } match ? match.Value : "entities",
        _ => Body,
    };

    [GeneratedRegex(@"^entities\[\d+\]", RegexOptions.CultureInvariant)]
    private static partial Regex EntityIndex();
}
