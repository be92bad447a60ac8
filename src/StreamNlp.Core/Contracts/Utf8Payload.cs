using System.Text;

namespace StreamNlp.Core.Contracts;

/// <summary>
/// The checks every Kafka value goes through before it is parsed: size limit, not empty, strict UTF-8
/// (a byte-order mark is dropped). Shared by the input and feedback parsers, which use the same codes.
/// </summary>
public static class Utf8Payload
{
    public const string Oversize = "oversize";
    public const string EmptyValue = "empty-value";
    public const string InvalidUtf8 = "invalid-utf8";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes <paramref name="value"/>, or returns false with a reason code and detail.</summary>
    /// <param name="limitName">How the size limit is named in the detail, e.g. the setting that sets it.</param>
    public static bool TryDecode(ReadOnlySpan<byte> value, int maxBytes, string limitName, out string text, out string errorCode, out string errorDetail)
    {
        text = "";
        errorCode = "";
        errorDetail = "";
        if (value.Length > maxBytes)
        {
            (errorCode, errorDetail) = (Oversize, $"value is {value.Length} bytes; the limit ({limitName}) is {maxBytes}");
            return false;
        }

        if (value.IsEmpty)
        {
            (errorCode, errorDetail) = (EmptyValue, "value is empty or null");
            return false;
        }

        try
        {
            text = StrictUtf8.GetString(value);
        }
        catch (DecoderFallbackException ex)
        {
            (errorCode, errorDetail) = (InvalidUtf8, $"value is not valid UTF-8 (byte index {ex.Index})");
            return false;
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        return true;
    }
}
