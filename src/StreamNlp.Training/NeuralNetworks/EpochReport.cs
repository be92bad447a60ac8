namespace StreamNlp.Training.NeuralNetworks;

/// <summary>What one training epoch achieved.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean (class-weighted, if enabled) cross-entropy over the epoch's mini-batches, with dropout active.</param>
/// <param name="TrainAccuracy">Fraction of training examples whose training-mode prediction was right during the epoch.</param>
/// <param name="DevLoss">Mean unweighted cross-entropy on the dev set after the epoch; null without a dev set.</param>
/// <param name="DevMetric">The early-stopping metric after the epoch (the caller's, else dev accuracy); null when neither exists.</param>
/// <param name="Elapsed">Time since training started, at the end of this epoch.</param>
public sealed record EpochReport(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double? DevLoss,
    double? DevMetric,
    TimeSpan Elapsed);
