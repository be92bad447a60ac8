namespace StreamNlp.Core.Contracts.Feedback;

/// <summary>
/// The outcome of parsing one feedback value: a usable <see cref="Example"/>, or the reason it cannot be
/// used (<see cref="ErrorCode"/> is one of <see cref="FeedbackErrors"/>).
/// </summary>
public sealed record FeedbackParseResult
{
    public FeedbackExample? Example { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorDetail { get; init; }

    public bool IsValid => ErrorCode is null;

    public static FeedbackParseResult Valid(FeedbackExample example) => new() { Example = example };

    public static FeedbackParseResult Invalid(string code, string detail) => new() { ErrorCode = code, ErrorDetail = detail };
}
