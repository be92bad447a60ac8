using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace StreamNlp.Http;

/// <summary>
/// The two probe routes every service maps the same way: <c>/healthz</c> (liveness) and <c>/readyz</c> (readiness),
/// each 200 or 503 with the reasons as JSON.
/// </summary>
public static class HealthProbes
{
    /// <param name="app">The web application.</param>
    /// <param name="notLive">Why the service is not live, or null.</param>
    /// <param name="notReady">Why it is not ready; empty when it is.</param>
    /// <param name="ready">The body when ready (e.g. <c>{status = "ready", partitions}</c>).</param>
    public static void Map(WebApplication app, Func<string?> notLive, Func<IReadOnlyList<string>> notReady, Func<object> ready)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", () => notLive() is { } reason
            ? Results.Json(new { status = "down", reasons = new[] { reason } }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new { status = "up" }));
        app.MapGet("/readyz", () => notReady() is { Count: > 0 } reasons
            ? Results.Json(new { status = "not ready", reasons }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(ready()));
    }
}
