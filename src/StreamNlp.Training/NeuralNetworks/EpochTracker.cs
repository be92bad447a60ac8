using System.Diagnostics;

namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// The end-of-epoch bookkeeping the trainers share: times training from its construction, scores the model on the dev
/// set, records and reports each epoch's <see cref="EpochReport"/>, feeds the dev metric to
/// <see cref="EarlyStopping"/>, keeps a clone of the best model and says when patience has run out.
/// </summary>
/// <typeparam name="TModel">The model being trained.</typeparam>
internal sealed class EpochTracker<TModel>
    where TModel : class
{
    private readonly Stopwatch stopwatch = Stopwatch.StartNew();
    private readonly List<EpochReport> reports = [];
    private readonly EarlyStopping earlyStopping;
    private readonly IProgress<EpochReport>? progress;
    private readonly Func<TModel, TModel> clone;
    private readonly Func<TModel, (double Loss, double Accuracy)>? evaluateDev;
    private readonly Func<TModel, double>? devMetric;
    private TModel? best;

    /// <param name="patience">Epochs without improvement before stopping; 0 never stops.</param>
    /// <param name="minimumImprovement">How much the metric must exceed the best so far to count as better.</param>
    /// <param name="clone">Copies the model's current weights.</param>
    /// <param name="evaluateDev">Dev loss and accuracy of the model; null without (a non-empty) dev set.</param>
    /// <param name="devMetric">The caller's dev metric, higher is better; null uses the dev accuracy.</param>
    /// <param name="progress">Receives each epoch's report; may be null.</param>
    public EpochTracker(
        int patience,
        double minimumImprovement,
        Func<TModel, TModel> clone,
        Func<TModel, (double Loss, double Accuracy)>? evaluateDev,
        Func<TModel, double>? devMetric,
        IProgress<EpochReport>? progress)
    {
        ArgumentNullException.ThrowIfNull(clone);
        earlyStopping = new EarlyStopping(patience, minimumImprovement);
        this.clone = clone;
        this.evaluateDev = evaluateDev;
        this.devMetric = devMetric;
        this.progress = progress;
    }

    /// <summary>
    /// Scores <paramref name="model"/> on the dev set, records epoch <paramref name="epoch"/> and, when it has a dev
    /// metric, keeps a clone of the model if it is the best so far; returns true when training should stop.
    /// </summary>
    public bool EndEpoch(TModel model, int epoch, double trainLoss, double trainAccuracy)
    {
        double? devLoss = null;
        double? metric = null;
        if (evaluateDev is not null)
        {
            var (loss, accuracy) = evaluateDev(model);
            devLoss = loss;
            metric = accuracy;
        }

        if (devMetric is not null)
        {
            metric = devMetric(model);
        }

        var report = new EpochReport(epoch, trainLoss, trainAccuracy, devLoss, metric, stopwatch.Elapsed);
        reports.Add(report);
        progress?.Report(report);
        if (metric is not { } value)
        {
            return false;
        }

        if (earlyStopping.Report(epoch, value))
        {
            best = clone(model);
        }

        return earlyStopping.ShouldStop;
    }

    /// <summary>
    /// The best model with every epoch's report and the best epoch; <paramref name="last"/> and the last epoch when no
    /// epoch had a (non-NaN) dev metric.
    /// </summary>
    public (TModel Model, IReadOnlyList<EpochReport> Reports, int BestEpoch) Finish(TModel last) =>
        best is null ? (last, reports, reports.Count) : (best, reports, earlyStopping.BestEpoch);
}
