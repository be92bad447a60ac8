namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// Trains a <see cref="DenseClassifier"/> on fixed-size feature vectors through the shared
/// <see cref="HeadTrainingLoop"/> (mini-batch AdamW on softmax cross-entropy, early stopping on a dev metric).
/// The same seed, data and options give the same model, whatever the number of cores.
/// </summary>
public static class DenseClassifierTrainer
{
    private const int EvaluationChunkRows = 1024;

    /// <summary>Trains a classifier.</summary>
    /// <param name="train">The training examples.</param>
    /// <param name="dev">Held-out examples for dev loss and (by default) the dev metric; may be null.</param>
    /// <param name="options">Settings; see <see cref="DenseClassifierOptions"/>.</param>
    /// <param name="devMetric">Scores the current model after each epoch, higher is better (e.g. entity F1);
    /// null uses dev accuracy.</param>
    /// <param name="progress">Receives each epoch's report.</param>
    /// <param name="cancellationToken">Checked between mini-batches.</param>
    public static HeadTrainingResult<DenseClassifier> Train(
        TrainingSet train,
        TrainingSet? dev,
        DenseClassifierOptions options,
        Func<DenseClassifier, double>? devMetric = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (dev is not null && (dev.Dimension != train.Dimension || dev.ClassCount != train.ClassCount))
        {
            throw new ArgumentException(
                $"The dev set ({dev.Dimension} dimensions, {dev.ClassCount} classes) does not match the training set " +
                $"({train.Dimension} dimensions, {train.ClassCount} classes).", nameof(dev));
        }

        if (train.Count == 0)
        {
            throw new ArgumentException("The training set is empty.", nameof(train));
        }

        return HeadTrainingLoop.Run(new DenseClassifierTrainingProblem(train, dev, options), options, devMetric, progress, cancellationToken);
    }

    /// <summary>Mean unweighted cross-entropy and accuracy of <paramref name="model"/> on <paramref name="data"/>.</summary>
    public static (double Loss, double Accuracy) Evaluate(DenseClassifier model, TrainingSet data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0)
        {
            return (0, 0);
        }

        double lossSum = 0;
        var correct = 0;
        var probabilities = new float[Math.Min(EvaluationChunkRows, data.Count) * model.ClassCount];
        for (var start = 0; start < data.Count; start += EvaluationChunkRows)
        {
            var rows = Math.Min(EvaluationChunkRows, data.Count - start);
            var logits = model.ComputeLogits(data.Features.AsSpan(start * data.Dimension, rows * data.Dimension), rows);
            var labels = data.Labels.AsSpan(start, rows);
            lossSum += rows * SoftmaxCrossEntropy.Compute(logits, labels, rows, model.ClassCount, [], probabilities, []);
            correct += SoftmaxCrossEntropy.CountCorrect(probabilities, labels, model.ClassCount);
        }

        return (lossSum / data.Count, (double)correct / data.Count);
    }

    /// <summary>"Balanced" class weights <c>N / (classes · count)</c>; 0 for a class without examples.</summary>
    public static float[] BalancedClassWeights(TrainingSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return SoftmaxCrossEntropy.BalancedWeights(data.CountPerClass(), data.Count);
    }
}
