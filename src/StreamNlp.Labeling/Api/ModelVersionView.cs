namespace StreamNlp.Labeling.Api;

/// <summary>One version of a task head.</summary>
/// <param name="Dev">Its dev metric from its manifest (see <see cref="TaskModelsView.Metric"/>).</param>
/// <param name="FeedbackHoldout">Its score on the held-out feedback in the latest retrainer decision that scored it, else null.</param>
/// <param name="Decision">The retrainer's decision on it as a challenger (promoted, rejected, failed), else null.</param>
/// <param name="Metrics">Every dev metric of its manifest.</param>
public sealed record ModelVersionView(
    string Version,
    DateTimeOffset CreatedAt,
    string Kind,
    bool Current,
    double? Dev,
    double? FeedbackHoldout,
    string? Decision,
    IReadOnlyDictionary<string, double> Metrics);
