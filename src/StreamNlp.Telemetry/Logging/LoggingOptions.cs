namespace StreamNlp.Telemetry.Logging;

/// <summary>Console log settings, section <c>StreamNlp:Logging</c>.</summary>
public sealed class LoggingOptions
{
    public const string Section = "StreamNlp:Logging";

    public const string SimpleFormat = "simple";

    public const string JsonFormat = "json";

    /// <summary>
    /// <c>simple</c> (default: one line per event, on stderr) or <c>json</c> (one JSON object per event with its
    /// scopes: batch id, topic/partition/offset, trace and span ids).
    /// </summary>
    public string Format { get; set; } = SimpleFormat;

    /// <summary>The failure message for a format that is neither <c>simple</c> nor <c>json</c>; null when valid.</summary>
    public static string? Check(string? format) =>
        format is null || string.Equals(format, SimpleFormat, StringComparison.OrdinalIgnoreCase) || string.Equals(format, JsonFormat, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"StreamNlp:Logging:Format must be '{SimpleFormat}' or '{JsonFormat}' (was '{format}').";
}
