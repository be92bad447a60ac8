namespace StreamNlp.Training.NeuralNetworks.Attention;

/// <summary>The outcome of <see cref="AttentionSequenceHeadTrainer.Train"/>.</summary>
/// <param name="Model">The weights of <paramref name="BestEpoch"/>.</param>
/// <param name="Epochs">One report per epoch run, in order.</param>
/// <param name="BestEpoch">The epoch with the best dev metric; the last epoch when there was no dev metric.</param>
public sealed record AttentionSequenceHeadTrainingResult(
    AttentionSequenceHead Model,
    IReadOnlyList<EpochReport> Epochs,
    int BestEpoch);
