namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// What a head family contributes to <see cref="HeadTrainingLoop"/>: its examples, how to build and score its
/// model, and one training mini-batch (forward, loss, backward). One instance serves one training run.
/// </summary>
/// <typeparam name="TModel">The network being trained.</typeparam>
public interface ITrainingProblem<TModel>
    where TModel : class, ITrainableModel<TModel>
{
    /// <summary>The training examples (indices this problem understands) that the loop shuffles and cuts into mini-batches.</summary>
    int[] Examples { get; }

    /// <summary>Whether there is a dev set to score after each epoch.</summary>
    bool HasDev { get; }

    /// <summary>A freshly initialised model drawing its weights (and its own dropout streams) from <paramref name="random"/>.</summary>
    TModel CreateModel(SeededRandom random);

    /// <summary>"Balanced" class weights <c>N / (classes · count)</c> of the training examples; 0 for a class without examples.</summary>
    float[] BalancedClassWeights();

    /// <summary>Mean unweighted cross-entropy and accuracy of <paramref name="model"/> on the dev set.</summary>
    (double Loss, double Accuracy) EvaluateDev(TModel model);

    /// <summary>
    /// Runs one training mini-batch through <paramref name="model"/>: forward in training mode, loss, and the gradients
    /// of every parameter (overwritten, not accumulated). The loop then takes the optimiser step.
    /// </summary>
    /// <param name="model">The model being trained (the one <see cref="CreateModel"/> returned).</param>
    /// <param name="batch">Indices from <see cref="Examples"/>.</param>
    /// <param name="classWeights">One weight per class, or empty for none.</param>
    /// <param name="dropoutRandom">A stream for dropout masks drawn per batch, for models that do not own theirs.</param>
    BatchOutcome TrainBatch(TModel model, ReadOnlySpan<int> batch, float[] classWeights, SeededRandom dropoutRandom);
}
