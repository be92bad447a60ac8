namespace StreamNlp.Training.NeuralNetworks;

/// <summary>The outcome of <see cref="DenseClassifierTrainer.Train"/>.</summary>
/// <param name="Model">The weights of <paramref name="BestEpoch"/>.</param>
/// <param name="Epochs">One report per epoch run, in order.</param>
/// <param name="BestEpoch">The epoch with the best dev metric; the last epoch when there was no dev metric.</param>
public sealed record DenseClassifierTrainingResult(
    DenseClassifier Model,
    IReadOnlyList<EpochReport> Epochs,
    int BestEpoch);
