namespace StreamNlp.Core.Contracts.Feedback;

/// <summary>
/// Reason codes for a feedback value that cannot be used (written to the feedback dead-letter topic's
/// <c>streamnlp-error</c> header).
/// </summary>
public static class FeedbackErrors
{
    public const string Oversize = Utf8Payload.Oversize;
    public const string EmptyValue = Utf8Payload.EmptyValue;
    public const string InvalidUtf8 = Utf8Payload.InvalidUtf8;
    public const string InvalidJson = "invalid-json";
    public const string NotAnObject = "not-an-object";

    /// <summary>A JSON string or field name escapes a lone UTF-16 surrogate (same code as for inputs).</summary>
    public const string InvalidUnicode = InputErrors.InvalidUnicode;
    public const string UnknownTask = "unknown-task";
    public const string MissingText = "missing-text";
    public const string EmptyText = "empty-text";

    /// <summary>A classification or sentiment value without a non-empty string <c>label</c>.</summary>
    public const string MissingLabel = "missing-label";

    /// <summary>An NER value without an <c>entities</c> array.</summary>
    public const string MissingEntities = "missing-entities";

    /// <summary>An entity that is not an object, whose start/end are not integers, or whose label is missing, empty or a BIO tag.</summary>
    public const string InvalidEntity = "invalid-entity";

    /// <summary>An entity with start &lt; 0, end &gt; the text's length, or start &gt;= end.</summary>
    public const string SpanOutOfRange = "span-out-of-range";

    /// <summary>Two entities that share at least one character.</summary>
    public const string SpansOverlap = "spans-overlap";

    /// <summary>An <c>id</c> that is neither a string nor a number.</summary>
    public const string InvalidId = "invalid-id";

    /// <summary>A <c>source</c> that is not a string.</summary>
    public const string InvalidSource = "invalid-source";
}
