namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// Tracks a dev metric (higher is better) across epochs: which epoch was best, and whether
/// <see cref="Patience"/> epochs have passed without an improvement larger than <see cref="MinimumImprovement"/>.
/// </summary>
public sealed class EarlyStopping
{
    /// <param name="patience">Epochs without improvement before stopping; 0 never stops.</param>
    /// <param name="minimumImprovement">How much the metric must exceed the best so far to count as better.</param>
    public EarlyStopping(int patience, double minimumImprovement = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(minimumImprovement);
        Patience = patience;
        MinimumImprovement = minimumImprovement;
    }

    public int Patience { get; }

    public double MinimumImprovement { get; }

    /// <summary>The best metric seen; negative infinity before the first report.</summary>
    public double BestMetric { get; private set; } = double.NegativeInfinity;

    /// <summary>The epoch of <see cref="BestMetric"/>; 0 before the first report.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Epochs reported since the best one.</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>True once <see cref="Patience"/> (when positive) epochs passed without improvement.</summary>
    public bool ShouldStop => Patience > 0 && EpochsWithoutImprovement >= Patience;

    /// <summary>Records the metric of <paramref name="epoch"/>; returns true when it is a new best (NaN never is).</summary>
    public bool Report(int epoch, double metric)
    {
        var improved = BestEpoch == 0
            ? !double.IsNaN(metric)
            : metric > BestMetric + MinimumImprovement;
        if (improved)
        {
            BestMetric = metric;
            BestEpoch = epoch;
            EpochsWithoutImprovement = 0;
        }
        else
        {
            EpochsWithoutImprovement++;
        }

        return improved;
    }
}
