using Microsoft.Extensions.Logging;

namespace StreamNlp.Http;

/// <summary>Source-generated log messages of the HTTP endpoint (event ids 2100–2119).</summary>
internal static partial class HttpLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "HTTP endpoint listening on {Address}")]
    public static partial void Listening(ILogger logger, string address);
}
