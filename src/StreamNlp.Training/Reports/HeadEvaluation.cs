using System.Text.Json.Nodes;
using StreamNlp.Training.Evaluation;

namespace StreamNlp.Training.Reports;

/// <summary>
/// A head's dev evaluation in every form the registry and report need: the headline metrics for the
/// manifest (fractions in [0, 1]), a printable report, per-label detail and a confusion matrix.
/// </summary>
public sealed record HeadEvaluation(
    IReadOnlyDictionary<string, double> Metrics,
    string MetricName,
    string Text,
    JsonObject Detail,
    IReadOnlyList<string> MatrixLabels,
    IReadOnlyList<IReadOnlyList<int>> Confusion)
{
    public static HeadEvaluation FromClassification(ClassificationMetrics metrics) => new(
        new Dictionary<string, double> { ["accuracy"] = metrics.Accuracy, ["macroF1"] = metrics.MacroF1 },
        "accuracy",
        metrics.FormatReport(),
        new JsonObject
        {
            ["examples"] = metrics.Total,
            ["accuracy"] = metrics.Accuracy,
            ["macroF1"] = metrics.MacroF1,
            ["perLabel"] = PerLabel(metrics.PerLabel),
        },
        metrics.Labels,
        metrics.ConfusionMatrix);

    /// <param name="entities">Entity-level scores (exact span match).</param>
    /// <param name="tags">Tag-level comparison over tokens, for the confusion matrix.</param>
    public static HeadEvaluation FromEntities(EntityMetrics entities, ClassificationMetrics tags) => new(
        new Dictionary<string, double>
        {
            ["precision"] = entities.Overall.Precision,
            ["recall"] = entities.Overall.Recall,
            ["f1"] = entities.Overall.F1,
        },
        "entity F1",
        entities.FormatReport(),
        new JsonObject
        {
            ["sentences"] = entities.Sentences,
            ["precision"] = entities.Overall.Precision,
            ["recall"] = entities.Overall.Recall,
            ["f1"] = entities.Overall.F1,
            ["perType"] = PerLabel(entities.PerType),
            ["tokenAccuracy"] = tags.Accuracy,
        },
        tags.Labels,
        tags.ConfusionMatrix);

    private static JsonObject PerLabel(IReadOnlyDictionary<string, PrecisionRecallF1> scores)
    {
        var result = new JsonObject();
        foreach (var (label, s) in scores)
        {
            result[label] = new JsonObject
            {
                ["precision"] = s.Precision,
                ["recall"] = s.Recall,
                ["f1"] = s.F1,
                ["support"] = s.Support,
            };
        }

        return result;
    }
}
