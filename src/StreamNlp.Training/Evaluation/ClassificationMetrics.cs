using System.Globalization;
using System.Text;

namespace StreamNlp.Training.Evaluation;

/// <summary>
/// Accuracy, per-label precision/recall/F1, macro-F1 and the confusion matrix of single-label predictions.
/// Gold labels the model does not know are kept: they can never be predicted, so each such example counts as
/// an error (in accuracy, and as a false negative of that label) and the label appears after the model's labels.
/// </summary>
public sealed class ClassificationMetrics
{
    private readonly Dictionary<string, int> indexByLabel;
    private readonly int[][] confusion;

    private ClassificationMetrics(
        List<string> labels, Dictionary<string, int> indexByLabel, int[][] confusion, int modelLabelCount)
    {
        Labels = labels;
        this.indexByLabel = indexByLabel;
        this.confusion = confusion;
        UnknownLabels = labels.GetRange(modelLabelCount, labels.Count - modelLabelCount);

        var perLabel = new Dictionary<string, PrecisionRecallF1>(StringComparer.Ordinal);
        double f1Sum = 0;
        var averaged = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var truePositives = confusion[i][i];
            int goldCount = 0, predictedCount = 0;
            for (var j = 0; j < labels.Count; j++)
            {
                goldCount += confusion[i][j];
                predictedCount += confusion[j][i];
            }

            var score = new PrecisionRecallF1(truePositives, predictedCount - truePositives, goldCount - truePositives);
            perLabel[labels[i]] = score;
            Total += goldCount;
            Correct += truePositives;
            if (goldCount + predictedCount > 0)
            {
                f1Sum += score.F1;
                averaged++;
            }
        }

        PerLabel = perLabel;
        MacroF1 = averaged == 0 ? 0 : f1Sum / averaged;
    }

    /// <summary>The model's labels in their order, then unknown gold labels in order of first appearance.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Gold labels that are not among the model's labels.</summary>
    public IReadOnlyList<string> UnknownLabels { get; }

    /// <summary>Number of examples.</summary>
    public int Total { get; }

    /// <summary>Number of examples predicted correctly.</summary>
    public int Correct { get; }

    /// <summary>Fraction of examples predicted correctly (0 when there are none).</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;

    /// <summary>Counts and scores per label (every entry of <see cref="Labels"/>).</summary>
    public IReadOnlyDictionary<string, PrecisionRecallF1> PerLabel { get; }

    /// <summary>
    /// Unweighted mean of the per-label F1 over the labels that occur as gold or as prediction (as scikit-learn's
    /// <c>f1_score(average="macro")</c> does); unknown gold labels take part with F1 0.
    /// </summary>
    public double MacroF1 { get; }

    /// <summary>
    /// Counts indexed <c>[gold][predicted]</c> by position in <see cref="Labels"/>.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix => confusion;

    /// <summary>
    /// Computes the metrics of <paramref name="predicted"/> against <paramref name="gold"/>.
    /// </summary>
    /// <param name="modelLabels">The labels the model can output.</param>
    /// <param name="gold">Gold label per example; may include labels the model lacks.</param>
    /// <param name="predicted">Predicted label per example; each must be one of <paramref name="modelLabels"/>.</param>
    public static ClassificationMetrics Compute(
        IReadOnlyList<string> modelLabels, IReadOnlyList<string> gold, IReadOnlyList<string> predicted)
    {
        ArgumentNullException.ThrowIfNull(modelLabels);
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
        {
            throw new ArgumentException($"{gold.Count} gold labels but {predicted.Count} predictions.", nameof(predicted));
        }

        var labels = new List<string>();
        var indexByLabel = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var label in modelLabels)
        {
            if (!indexByLabel.TryAdd(label, labels.Count))
            {
                throw new ArgumentException($"The model label '{label}' appears twice.", nameof(modelLabels));
            }

            labels.Add(label);
        }

        var modelLabelCount = labels.Count;
        foreach (var label in gold)
        {
            if (indexByLabel.TryAdd(label, labels.Count))
            {
                labels.Add(label);
            }
        }

        var confusion = new int[labels.Count][];
        for (var i = 0; i < confusion.Length; i++)
        {
            confusion[i] = new int[labels.Count];
        }

        for (var i = 0; i < gold.Count; i++)
        {
            if (!indexByLabel.TryGetValue(predicted[i], out var predictedIndex) || predictedIndex >= modelLabelCount)
            {
                throw new ArgumentException(
                    $"Prediction {i} ('{predicted[i]}') is not one of the model's labels.", nameof(predicted));
            }

            confusion[indexByLabel[gold[i]]][predictedIndex]++;
        }

        return new ClassificationMetrics(labels, indexByLabel, confusion, modelLabelCount);
    }

    /// <summary>How many examples with gold label <paramref name="gold"/> were predicted as <paramref name="predicted"/>.</summary>
    public int Count(string gold, string predicted) =>
        indexByLabel.TryGetValue(gold, out var g) && indexByLabel.TryGetValue(predicted, out var p) ? confusion[g][p] : 0;

    /// <summary>A plain-text table: accuracy, macro-F1, then precision, recall, F1 and support per label.</summary>
    public string FormatReport()
    {
        var culture = CultureInfo.InvariantCulture;
        var width = Math.Max(5, Labels.Max(l => l.Length));
        var builder = new StringBuilder();
        builder.AppendLine(culture, $"accuracy {Accuracy:P2} ({Correct}/{Total}), macro-F1 {MacroF1:P2}");
        builder.AppendLine(culture, $"{"label".PadRight(width)}  precision  recall     F1  support");
        foreach (var label in Labels)
        {
            var score = PerLabel[label];
            builder.AppendLine(culture, $"{label.PadRight(width)}  {score.Precision,9:P1}  {score.Recall,6:P1}  {score.F1,5:P1}  {score.Support,7}");
        }

        return builder.ToString();
    }
}
