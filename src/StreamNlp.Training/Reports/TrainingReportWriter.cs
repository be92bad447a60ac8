using System.Text.Json;
using System.Text.Json.Nodes;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Training.Reports;

/// <summary>
/// Writes the report that sits beside each trained head: <c>metrics.json</c> (dev metrics, per-label or
/// per-type figures, every epoch), <c>training-curves.png</c> (train and dev loss, train accuracy and
/// dev metric per epoch) and <c>confusion-matrix.png</c>. Plots are drawn with ScottPlot.
/// </summary>
public static class TrainingReportWriter
{
    public const string MetricsFile = "metrics.json";
    public const string CurvesFile = "training-curves.png";
    public const string ConfusionFile = "confusion-matrix.png";

    /// <summary>Writes the three files; returns their names (relative to <paramref name="directory"/>).</summary>
    public static IReadOnlyList<string> Write(
        string directory,
        string title,
        string metricName,
        IReadOnlyList<EpochReport> epochs,
        int bestEpoch,
        JsonObject metrics,
        IReadOnlyList<string> matrixLabels,
        IReadOnlyList<IReadOnlyList<int>> confusion)
    {
        var document = new JsonObject
        {
            ["title"] = title,
            ["bestEpoch"] = bestEpoch,
            ["dev"] = metrics,
            ["epochs"] = new JsonArray([.. epochs.Select(e => (JsonNode)new JsonObject
            {
                ["epoch"] = e.Epoch,
                ["trainLoss"] = e.TrainLoss,
                ["trainAccuracy"] = e.TrainAccuracy,
                ["devLoss"] = e.DevLoss,
                ["devMetric"] = e.DevMetric,
                ["seconds"] = Math.Round(e.Elapsed.TotalSeconds, 2),
            })]),
        };
        File.WriteAllText(Path.Combine(directory, MetricsFile), document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        WriteCurves(Path.Combine(directory, CurvesFile), title, metricName, epochs, bestEpoch);
        WriteConfusion(Path.Combine(directory, ConfusionFile), title, matrixLabels, confusion);
        return [MetricsFile, CurvesFile, ConfusionFile];
    }

    private static void WriteCurves(string path, string title, string metricName, IReadOnlyList<EpochReport> epochs, int bestEpoch)
    {
        // One chart: losses on the left axis, accuracy and the dev metric on the right axis.
        var x = epochs.Select(e => (double)e.Epoch).ToArray();
        var plot = new ScottPlot.Plot();
        plot.Add.ScatterLine(x, epochs.Select(e => e.TrainLoss).ToArray()).LegendText = "train loss (left)";
        if (epochs.All(e => e.DevLoss is not null))
        {
            plot.Add.ScatterLine(x, epochs.Select(e => e.DevLoss!.Value).ToArray()).LegendText = "dev loss (left)";
        }

        var accuracy = plot.Add.ScatterLine(x, epochs.Select(e => e.TrainAccuracy).ToArray());
        accuracy.LegendText = "train accuracy (right)";
        accuracy.Axes.YAxis = plot.Axes.Right;
        accuracy.LinePattern = ScottPlot.LinePattern.Dashed;
        if (epochs.All(e => e.DevMetric is not null))
        {
            var dev = plot.Add.ScatterLine(x, epochs.Select(e => e.DevMetric!.Value).ToArray());
            dev.LegendText = $"dev {metricName} (right)";
            dev.Axes.YAxis = plot.Axes.Right;
            dev.LinePattern = ScottPlot.LinePattern.Dashed;
        }

        plot.Add.VerticalLine(bestEpoch).LegendText = $"best epoch ({bestEpoch})";
        plot.Title($"{title}: loss and {metricName} per epoch");
        plot.XLabel("epoch");
        plot.YLabel("cross-entropy");
        plot.Axes.Right.Label.Text = $"accuracy / {metricName}";
        plot.ShowLegend(ScottPlot.Alignment.MiddleRight);
        plot.SavePng(path, 1000, 550);
    }

    private static void WriteConfusion(string path, string title, IReadOnlyList<string> labels, IReadOnlyList<IReadOnlyList<int>> confusion)
    {
        var n = labels.Count;
        var normalized = new double[n, n];
        for (var gold = 0; gold < n; gold++)
        {
            var total = Math.Max(1, confusion[gold].Sum());
            for (var predicted = 0; predicted < n; predicted++)
            {
                // Heatmap rows are drawn top-down: row 0 at the top is the first gold label.
                normalized[gold, predicted] = (double)confusion[gold][predicted] / total;
            }
        }

        var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(normalized);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        for (var gold = 0; gold < n; gold++)
        {
            for (var predicted = 0; predicted < n; predicted++)
            {
                var text = plot.Add.Text(confusion[gold][predicted].ToString(System.Globalization.CultureInfo.InvariantCulture), predicted, n - 1 - gold);
                text.LabelFontColor = normalized[gold, predicted] > 0.5 ? ScottPlot.Colors.Black : ScottPlot.Colors.White;
                text.LabelAlignment = ScottPlot.Alignment.MiddleCenter;
            }
        }

        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(positions, [.. labels]);
        plot.Axes.Left.SetTicks(positions, [.. labels.Reverse()]);
        plot.XLabel("predicted");
        plot.YLabel("gold");
        plot.Title($"{title}: confusion matrix (dev)");
        var size = Math.Max(500, 60 * n + 200);
        plot.SavePng(path, size + 100, size);
    }
}
