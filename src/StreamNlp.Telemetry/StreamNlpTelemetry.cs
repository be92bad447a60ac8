using System.Diagnostics;

namespace StreamNlp.Telemetry;

/// <summary>
/// The names every service reports under: one <see cref="System.Diagnostics.Metrics.Meter"/> and one
/// <see cref="ActivitySource"/>, both called <c>StreamNlp</c>. Each service keeps its instruments in one small
/// class of its own (the worker's <c>WorkerMetrics</c>, the retrainer's <c>RetrainerMetrics</c>), created from the
/// host's <see cref="System.Diagnostics.Metrics.IMeterFactory"/> with <see cref="MeterName"/>.
/// </summary>
public static class StreamNlpTelemetry
{
    /// <summary>The meter of every StreamNlp instrument.</summary>
    public const string MeterName = "StreamNlp";

    /// <summary>The activity source of every StreamNlp span.</summary>
    public const string ActivitySourceName = "StreamNlp";

    /// <summary>The process's one activity source (spans per batch and per record).</summary>
    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    /// <summary>Bucket bounds (seconds) for durations from milliseconds to a minute.</summary>
    public static readonly IReadOnlyList<double> SecondsBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
}
