using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StreamNlp.Http;

namespace StreamNlp.Retrainer.Health;

/// <summary>
/// The standalone retrainer's probes on the shared HTTP host (<c>streamnlp retrainer</c>; in <c>streamnlp run</c> the
/// worker's probes answer): <c>/healthz</c> and <c>/readyz</c>, 200 or 503 with the reasons as JSON.
/// </summary>
public sealed class RetrainerHealthModule(RetrainerHealth health) : IHttpModule
{
    public void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => health.NotLive() is { } reason
            ? Results.Json(new { status = "down", reasons = new[] { reason } }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new { status = "up" }));
        app.MapGet("/readyz", () => health.NotReady() is { Count: > 0 } reasons
            ? Results.Json(new { status = "not ready", reasons }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new { status = "ready" }));
    }
}
