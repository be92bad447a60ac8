using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using StreamNlp.Http;

namespace StreamNlp.Telemetry;

/// <summary>Registers OpenTelemetry for the <c>StreamNlp</c> meter and activity source.</summary>
public static class TelemetryHostingExtensions
{
    /// <summary>The standard OpenTelemetry variable; when set, metrics and traces are also exported over OTLP.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Metrics of the <c>StreamNlp</c> meter on the Prometheus scrape endpoint (<c>/metrics</c> on the shared HTTP
    /// host), spans of the <c>StreamNlp</c> activity source, and OTLP export of both when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the other <c>OTEL_EXPORTER_OTLP_*</c> variables).
    /// Registered once however often it is called.
    /// </summary>
    public static IHostApplicationBuilder AddStreamNlpTelemetry(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(TelemetryMarker)))
        {
            return builder;
        }

        services.AddSingleton<TelemetryMarker>();
        services.AddMetrics();
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]);
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("streamnlp"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(StreamNlpTelemetry.MeterName)
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            })
            .WithTracing(tracing =>
            {
                // Always listening, exporter or not: a record's span is what its output's traceparent names.
                tracing.AddSource(StreamNlpTelemetry.ActivitySourceName);
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        services.AddHttpModule<PrometheusModule>();
        return builder;
    }

    private sealed class TelemetryMarker;
}
