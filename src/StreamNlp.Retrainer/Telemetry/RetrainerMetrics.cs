using System.Diagnostics.Metrics;
using StreamNlp.Telemetry;

namespace StreamNlp.Retrainer.Telemetry;

/// <summary>
/// The retrainer's instruments on the <c>StreamNlp</c> meter, as Prometheus shows them:
/// <c>streamnlp_retrain_decisions_total{task,decision}</c> (decision: promoted, rejected, failed or lease-lost) and
/// <c>streamnlp_retrainer_leader</c> (1 while this instance holds the retrainer lease and so retrains, else 0).
/// </summary>
public sealed class RetrainerMetrics
{
    private readonly Counter<long> _decisions;
    private int _leader;

    public RetrainerMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(StreamNlpTelemetry.MeterName);
        _decisions = meter.CreateCounter<long>("streamnlp_retrain_decisions", description: "Retraining runs by task and decision: promoted, rejected, failed or lease-lost.");
        meter.CreateObservableGauge("streamnlp_retrainer_leader", () => Volatile.Read(ref _leader),
            description: "1 while this retrainer instance holds the lease (it alone retrains and publishes), else 0.");
    }

    /// <summary>Whether this instance holds the retrainer lease now.</summary>
    public bool IsLeader => Volatile.Read(ref _leader) == 1;

    /// <summary>A retraining run of <paramref name="task"/> ended with <paramref name="decision"/>.</summary>
    public void Decided(string task, string decision) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("task", task), new KeyValuePair<string, object?>("decision", decision));

    /// <summary>This instance acquired (true) or lost (false) the retrainer lease.</summary>
    public void Leader(bool leader) => Volatile.Write(ref _leader, leader ? 1 : 0);
}
