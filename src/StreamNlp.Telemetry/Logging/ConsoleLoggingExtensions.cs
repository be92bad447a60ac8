using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace StreamNlp.Telemetry.Logging;

/// <summary>The services' console logging: simple lines or JSON objects (<c>StreamNlp:Logging:Format</c>), always on stderr.</summary>
public static class ConsoleLoggingExtensions
{
    /// <summary>
    /// Adds the console logger in the configured format. A format other than <c>simple</c> or <c>json</c> throws an
    /// <see cref="OptionsValidationException"/> naming the setting (the command reports it as a bad setting, exit 2).
    /// </summary>
    public static IHostApplicationBuilder AddStreamNlpConsoleLogging(this IHostApplicationBuilder builder)
    {
        var format = builder.Configuration[$"{LoggingOptions.Section}:Format"];
        if (LoggingOptions.Check(format) is { } failure)
        {
            throw new OptionsValidationException(LoggingOptions.Section, typeof(LoggingOptions), [failure]);
        }

        if (string.Equals(format, LoggingOptions.JsonFormat, StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        // A line logged inside a span names its trace and span (a JSON line's scopes), so logs and traces meet.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        // stdout carries only what commands print for other programs (the bootstrap line).
        builder.Logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddOptions<LoggingOptions>().BindConfiguration(LoggingOptions.Section)
            .Validate(o => LoggingOptions.Check(o.Format) is null, $"StreamNlp:Logging:Format must be '{LoggingOptions.SimpleFormat}' or '{LoggingOptions.JsonFormat}'.")
            .ValidateOnStart();
        return builder;
    }
}
