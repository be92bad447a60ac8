using System.Diagnostics.Metrics;
using StreamNlp.Telemetry;

namespace StreamNlp.Retrainer.Telemetry;

/// <summary>
/// The retrainer's instruments on the <c>StreamNlp</c> meter: <c>streamnlp_retrain_decisions_total{task,decision}</c>
/// (decision: promoted, rejected or failed) as Prometheus shows it.
/// </summary>
public sealed class RetrainerMetrics
{
    private readonly Counter<long> _decisions;

    public RetrainerMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(StreamNlpTelemetry.MeterName);
        _decisions = meter.CreateCounter<long>("streamnlp_retrain_decisions", description: "Retraining runs by task and decision: promoted, rejected or failed.");
    }

    /// <summary>A retraining run of <paramref name="task"/> ended with <paramref name="decision"/>.</summary>
    public void Decided(string task, string decision) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("task", task), new KeyValuePair<string, object?>("decision", decision));
}
