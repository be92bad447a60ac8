namespace StreamNlp.Training.NeuralNetworks;

/// <summary>The outcome of <see cref="HeadTrainingLoop.Run"/>.</summary>
/// <typeparam name="TModel">The network trained.</typeparam>
/// <param name="Model">The weights of <paramref name="BestEpoch"/>.</param>
/// <param name="Epochs">One report per epoch run, in order.</param>
/// <param name="BestEpoch">The epoch with the best dev metric; the last epoch when there was no dev metric.</param>
public sealed record HeadTrainingResult<TModel>(TModel Model, IReadOnlyList<EpochReport> Epochs, int BestEpoch)
    where TModel : class, ITrainableModel<TModel>;
