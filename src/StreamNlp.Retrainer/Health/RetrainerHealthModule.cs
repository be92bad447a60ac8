using Microsoft.AspNetCore.Builder;
using StreamNlp.Http;

namespace StreamNlp.Retrainer.Health;

/// <summary>
/// The standalone retrainer's probes on the shared HTTP host (<c>streamnlp retrainer</c>; in <c>streamnlp run</c> the
/// worker's probes answer): <c>/healthz</c> and <c>/readyz</c>, 200 or 503 with the reasons as JSON;
/// ready answers also say whether this instance holds the retrainer lease (<c>"leader": true|false</c>).
/// </summary>
public sealed class RetrainerHealthModule(RetrainerHealth health) : IHttpModule
{
    public void Map(WebApplication app) => HealthProbes.Map(app, health.NotLive, health.NotReady, () => new { status = "ready", leader = health.IsLeader });
}
