using Microsoft.AspNetCore.Builder;
using StreamNlp.Http;

namespace StreamNlp.Worker.Health;

/// <summary>
/// The worker's probes on the shared HTTP host: <c>/healthz</c> (liveness) and <c>/readyz</c> (readiness), each
/// 200 or 503 with the reasons as JSON.
/// </summary>
public sealed class HealthModule(WorkerHealth health) : IHttpModule
{
    public void Map(WebApplication app) =>
        HealthProbes.Map(app, health.NotLive, health.NotReady, () => new { status = "ready", partitions = health.AssignedPartitions });
}
