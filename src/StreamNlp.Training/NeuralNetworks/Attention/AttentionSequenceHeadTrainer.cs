using System.Numerics.Tensors;

namespace StreamNlp.Training.NeuralNetworks.Attention;

/// <summary>
/// Trains an <see cref="AttentionSequenceHead"/> with mini-batch AdamW on softmax cross-entropy, shuffling every
/// epoch, scoring a dev metric after each epoch and keeping the best weights (early stopping with patience), as
/// <see cref="DenseClassifierTrainer"/> does for pooled features. The same seed, data and options give the same
/// model, whatever the number of cores.
/// </summary>
public static class AttentionSequenceHeadTrainer
{
    /// <summary>Trains a head.</summary>
    /// <param name="train">The training sequences.</param>
    /// <param name="dev">Held-out sequences for dev loss and (by default) the dev metric; may be null.</param>
    /// <param name="options">Settings; see <see cref="AttentionSequenceHeadOptions"/>.</param>
    /// <param name="devMetric">Scores the current model after each epoch, higher is better; null uses dev accuracy.</param>
    /// <param name="progress">Receives each epoch's report.</param>
    /// <param name="cancellationToken">Checked between mini-batches.</param>
    public static AttentionSequenceHeadTrainingResult Train(
        SequenceSet train,
        SequenceSet? dev,
        AttentionSequenceHeadOptions options,
        Func<AttentionSequenceHead, double>? devMetric = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (dev is not null && (dev.HiddenSize != train.HiddenSize || dev.ClassCount != train.ClassCount))
        {
            throw new ArgumentException(
                $"The dev set ({dev.HiddenSize} wide, {dev.ClassCount} classes) does not match the training set " +
                $"({train.HiddenSize} wide, {train.ClassCount} classes).", nameof(dev));
        }

        if (train.Count == 0)
        {
            throw new ArgumentException("The training set is empty.", nameof(train));
        }

        var tracker = new EpochTracker<AttentionSequenceHead>(
            options.Patience,
            options.MinimumImprovement,
            m => m.Clone(),
            dev is not null && dev.Count > 0 ? m => Evaluate(m, dev) : null,
            devMetric,
            progress);
        var random = new SeededRandom(unchecked((ulong)options.Seed));
        var model = AttentionSequenceHead.Create(train.HiddenSize, train.ClassCount, options, random.Fork());
        var shuffleRandom = random.Fork();
        var classWeights = options.ClassWeighting ? BalancedClassWeights(train) : [];
        var optimizer = new AdamWOptimizer(model.Parameters, options.LearningRate, options.WeightDecay);
        var batchSize = Math.Min(options.BatchSize, train.Count);
        var batchesPerEpoch = (train.Count + batchSize - 1) / batchSize;
        var totalSteps = (long)batchesPerEpoch * options.Epochs;
        var backprop = new AttentionSequenceHeadBackprop(model);

        var order = new int[train.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            shuffleRandom.Shuffle(order.AsSpan());
            double lossSum = 0;
            var correct = 0;
            for (var start = 0; start < order.Length; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = Math.Min(batchSize, order.Length - start);
                var batch = order.AsSpan(start, rows);
                if (options.DecayLearningRate)
                {
                    optimizer.LearningRate = (float)(options.LearningRate * Math.Max(1.0 - ((double)optimizer.StepCount / totalSteps), 0.0)) + 1e-12f;
                }

                lossSum += rows * backprop.Run(train, batch, classWeights, training: true);
                optimizer.Step();
                correct += CountCorrect(backprop.Probabilities, batch, train.Labels, train.ClassCount);
            }

            if (tracker.EndEpoch(model, epoch, lossSum / train.Count, (double)correct / train.Count))
            {
                break;
            }
        }

        var (finalModel, reports, bestEpoch) = tracker.Finish(model);
        return new AttentionSequenceHeadTrainingResult(finalModel, reports, bestEpoch);
    }

    /// <summary>Mean unweighted cross-entropy and accuracy of <paramref name="model"/> on <paramref name="data"/>.</summary>
    public static (double Loss, double Accuracy) Evaluate(AttentionSequenceHead model, SequenceSet data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0)
        {
            return (0, 0);
        }

        var probabilities = model.PredictProbabilities(data);
        double lossSum = 0;
        var correct = 0;
        var classes = model.ClassCount;
        for (var i = 0; i < data.Count; i++)
        {
            var row = probabilities.AsSpan(i * classes, classes);
            lossSum -= Math.Log(Math.Max(row[data.Labels[i]], 1e-30f));
            if (TensorPrimitives.IndexOfMax(row) == data.Labels[i])
            {
                correct++;
            }
        }

        return (lossSum / data.Count, (double)correct / data.Count);
    }

    /// <summary>"Balanced" class weights <c>N / (classes · count)</c>; 0 for a class without examples.</summary>
    public static float[] BalancedClassWeights(SequenceSet data)
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

    private static int CountCorrect(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> batch, int[] labels, int classes)
    {
        var correct = 0;
        for (var row = 0; row < batch.Length; row++)
        {
            if (TensorPrimitives.IndexOfMax(probabilities.Slice(row * classes, classes)) == labels[batch[row]])
            {
                correct++;
            }
        }

        return correct;
    }
}
