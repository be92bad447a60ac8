using System.Numerics.Tensors;

namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// Trains a <see cref="DenseClassifier"/> with mini-batch AdamW on softmax cross-entropy, shuffling every epoch,
/// scoring a dev metric after each epoch and keeping the best weights (early stopping with patience).
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
    public static DenseClassifierTrainingResult Train(
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

        var tracker = new EpochTracker<DenseClassifier>(
            options.Patience,
            options.MinimumImprovement,
            m => m.Clone(),
            dev is not null && dev.Count > 0 ? m => Evaluate(m, dev) : null,
            devMetric,
            progress);
        var random = new SeededRandom(unchecked((ulong)options.Seed));
        var model = DenseClassifier.Create(train.Dimension, options.HiddenSizes, train.ClassCount, options.Dropout, random.Fork());
        var shuffleRandom = random.Fork();
        var classWeights = options.ClassWeighting ? BalancedClassWeights(train) : [];
        var optimizer = new AdamWOptimizer(model.Parameters, options.LearningRate, options.WeightDecay);
        var batchSize = Math.Min(options.BatchSize, train.Count);
        var backprop = new DenseClassifierBackprop(model, batchSize);

        var order = new int[train.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var batchFeatures = new float[batchSize * train.Dimension];
        var batchLabels = new int[batchSize];

        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            shuffleRandom.Shuffle(order.AsSpan());
            double lossSum = 0;
            var correct = 0;
            for (var start = 0; start < order.Length; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = Math.Min(batchSize, order.Length - start);
                for (var r = 0; r < rows; r++)
                {
                    var example = order[start + r];
                    train.Row(example).CopyTo(batchFeatures.AsSpan(r * train.Dimension));
                    batchLabels[r] = train.Labels[example];
                }

                lossSum += rows * backprop.Run(batchFeatures, batchLabels, rows, classWeights, training: true);
                optimizer.Step();
                correct += CountCorrect(backprop.Probabilities, batchLabels.AsSpan(0, rows), train.ClassCount);
            }

            if (tracker.EndEpoch(model, epoch, lossSum / train.Count, (double)correct / train.Count))
            {
                break;
            }
        }

        var (finalModel, reports, bestEpoch) = tracker.Finish(model);
        return new DenseClassifierTrainingResult(finalModel, reports, bestEpoch);
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
            correct += CountCorrect(probabilities, labels, model.ClassCount);
        }

        return (lossSum / data.Count, (double)correct / data.Count);
    }

    /// <summary>"Balanced" class weights <c>N / (classes · count)</c>; 0 for a class without examples.</summary>
    public static float[] BalancedClassWeights(TrainingSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var counts = data.CountPerClass();
        var weights = new float[counts.Length];
        for (var c = 0; c < counts.Length; c++)
        {
            weights[c] = counts[c] == 0 ? 0f : (float)data.Count / (counts.Length * counts[c]);
        }

        return weights;
    }

    private static int CountCorrect(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, int classes)
    {
        var correct = 0;
        for (var row = 0; row < labels.Length; row++)
        {
            if (TensorPrimitives.IndexOfMax(probabilities.Slice(row * classes, classes)) == labels[row])
            {
                correct++;
            }
        }

        return correct;
    }
}
