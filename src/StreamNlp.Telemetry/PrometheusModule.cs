using Microsoft.AspNetCore.Builder;
using OpenTelemetry.Metrics;
using StreamNlp.Http;

namespace StreamNlp.Telemetry;

/// <summary>
/// The Prometheus scrape endpoint (<c>/metrics</c>) on the shared HTTP host. The web application has its own
/// container, so the module hands the exporter the service host's <see cref="MeterProvider"/> itself.
/// </summary>
public sealed class PrometheusModule(MeterProvider meterProvider) : IHttpModule
{
    public const string Path = "/metrics";

    public void Map(WebApplication app) =>
        app.MapPrometheusScrapingEndpoint(Path, meterProvider, configureBranchedPipeline: null!, optionsName: null!);
}
