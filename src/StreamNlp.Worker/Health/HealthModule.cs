using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StreamNlp.Http;

namespace StreamNlp.Worker.Health;

/// <summary>
/// The worker's probes on the shared HTTP host: <c>/healthz</c> (liveness) and <c>/readyz</c> (readiness), each
/// 200 or 503 with the reasons as JSON.
/// </summary>
public sealed class HealthModule(WorkerHealth health) : IHttpModule
{
    public void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => health.NotLive() is { } reason
            ? Results.Json(new { status = "down", reasons = new[] { reason } }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new { status = "up" }));
        app.MapGet("/readyz", () => health.NotReady() is { Count: > 0 } reasons
            ? Results.Json(new { status = "not ready", reasons }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new { status = "ready", partitions = health.AssignedPartitions }));
    }
}
