namespace StreamNlp.Core.Contracts;

/// <summary>Reason codes written to the dead-letter topic's <c>streamnlp-error</c> header.</summary>
public static class InputErrors
{
    public const string EmptyValue = Utf8Payload.EmptyValue;
    public const string Oversize = Utf8Payload.Oversize;
    public const string InvalidUtf8 = Utf8Payload.InvalidUtf8;
    public const string InvalidJson = "invalid-json";

    /// <summary>A JSON string (text, id, metadata or a field name) escapes a lone UTF-16 surrogate.</summary>
    public const string InvalidUnicode = "invalid-unicode";
    public const string MissingText = "missing-text";
    public const string TextNotString = "text-not-string";
    public const string EmptyText = "empty-text";
    public const string InvalidId = "invalid-id";
    public const string TokenizationFailed = "tokenization-failed";
    public const string InferenceFailed = "inference-failed";
    public const string PublishFailed = "publish-failed";

    /// <summary>The enriched record could not be written (e.g. it would exceed the producer's message size limit).</summary>
    public const string OutputFailed = "output-failed";

    /// <summary>Anything else that went wrong with this one record; the detail names the exception.</summary>
    public const string ProcessingFailed = "processing-failed";
}
