namespace StreamNlp.Core.Contracts;

/// <summary>Reason codes written to the dead-letter topic's <c>streamnlp-error</c> header.</summary>
public static class InputErrors
{
    public const string EmptyValue = Utf8Payload.EmptyValue;
    public const string Oversize = Utf8Payload.Oversize;
    public const string InvalidUtf8 = Utf8Payload.InvalidUtf8;
    public const string InvalidJson = "invalid-json";
    public const string MissingText = "missing-text";
    public const string TextNotString = "text-not-string";
    public const string EmptyText = "empty-text";
    public const string InvalidId = "invalid-id";
    public const string TokenizationFailed = "tokenization-failed";
    public const string InferenceFailed = "inference-failed";
    public const string PublishFailed = "publish-failed";
}
