using System.Numerics.Tensors;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.Training.NeuralNetworks.Convolution;

/// <summary>
/// Trains a <see cref="ConvolutionalTokenHead"/> with mini-batch AdamW on cross-entropy over the labelled
/// positions, batching whole sentences, shuffling every epoch, scoring a dev metric after each epoch and keeping
/// the best weights (early stopping with patience). The sentences of a batch are stacked without padding and each
/// matrix product runs in parallel with every output element owned by one thread, so the same seed, data and
/// options give the same model whatever the number of cores.
/// </summary>
public static class ConvolutionalTokenHeadTrainer
{
    /// <summary>Sentences per forward pass when evaluating.</summary>
    private const int EvaluationBatch = 64;

    /// <summary>Trains a head.</summary>
    /// <param name="train">The training sequences.</param>
    /// <param name="dev">Held-out sequences for dev loss and (by default) the dev metric; may be null.</param>
    /// <param name="options">Settings; see <see cref="ConvolutionalTokenHeadOptions"/>.</param>
    /// <param name="devMetric">Scores the current model after each epoch, higher is better (e.g. entity F1);
    /// null uses dev accuracy over labelled positions.</param>
    /// <param name="progress">Receives each epoch's report.</param>
    /// <param name="cancellationToken">Checked between mini-batches.</param>
    public static ConvolutionalTokenHeadTrainingResult Train(
        TokenSequenceSet train,
        TokenSequenceSet? dev,
        ConvolutionalTokenHeadOptions options,
        Func<ConvolutionalTokenHead, double>? devMetric = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (dev is not null && (dev.HiddenSize != train.HiddenSize || dev.TagCount != train.TagCount))
        {
            throw new ArgumentException(
                $"The dev set ({dev.HiddenSize} wide, {dev.TagCount} tags) does not match the training set " +
                $"({train.HiddenSize} wide, {train.TagCount} tags).", nameof(dev));
        }

        if (train.LabelledCount == 0)
        {
            throw new ArgumentException("The training set has no labelled position.", nameof(train));
        }

        var tracker = new EpochTracker<ConvolutionalTokenHead>(
            options.Patience,
            options.MinimumImprovement,
            m => m.Clone(),
            dev is not null && dev.LabelledCount > 0 ? m => Evaluate(m, dev) : null,
            devMetric,
            progress);
        var random = new SeededRandom(unchecked((ulong)options.Seed));
        var model = ConvolutionalTokenHead.Create(
            train.HiddenSize, TokenShapeFeatures.Count, train.TagCount, options.KernelSizes, options.Dilations, options.Channels, random.Fork());
        var shuffleRandom = random.Fork();
        var dropoutRandom = random.Fork();
        var classWeights = options.ClassWeighting ? BalancedClassWeights(train) : [];
        var optimizer = new AdamWOptimizer(model.Parameters, options.LearningRate, options.WeightDecay);
        var backprop = new ConvolutionalTokenHeadBackprop(model);

        // Sequences without a labelled position add nothing to the loss; leave them out of the batches.
        var order = Enumerable.Range(0, train.Count).Where(s => HasLabel(train.LabelsOf(s))).ToArray();
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            shuffleRandom.Shuffle(order.AsSpan());
            double lossSum = 0;
            long correct = 0, scored = 0;
            for (var start = 0; start < order.Length; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start));
                var loss = backprop.Run(train, batch, classWeights, training: true, options.InputDropout, options.Dropout, dropoutRandom);
                optimizer.Step();
                lossSum += loss * backprop.LabelledCount;
                scored += backprop.LabelledCount;
                correct += CountCorrect(backprop.Probabilities, backprop.Labels, train.TagCount);
            }

            if (tracker.EndEpoch(model, epoch, lossSum / scored, (double)correct / scored))
            {
                break;
            }
        }

        var (finalModel, reports, bestEpoch) = tracker.Finish(model);
        return new ConvolutionalTokenHeadTrainingResult(finalModel, reports, bestEpoch);
    }

    /// <summary>Mean unweighted cross-entropy and accuracy of <paramref name="model"/> over the labelled positions of <paramref name="data"/>.</summary>
    public static (double Loss, double Accuracy) Evaluate(ConvolutionalTokenHead model, TokenSequenceSet data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.LabelledCount == 0)
        {
            return (0, 0);
        }

        var backprop = new ConvolutionalTokenHeadBackprop(model);
        var sequences = Enumerable.Range(0, data.Count).ToArray();
        double lossSum = 0;
        long correct = 0;
        for (var start = 0; start < sequences.Length; start += EvaluationBatch)
        {
            var batch = sequences.AsSpan(start, Math.Min(EvaluationBatch, sequences.Length - start));
            var loss = backprop.Run(data, batch, [], training: false, 0f, 0f, null);
            lossSum += loss * backprop.LabelledCount;
            correct += CountCorrect(backprop.Probabilities, backprop.Labels, data.TagCount);
        }

        return (lossSum / data.LabelledCount, (double)correct / data.LabelledCount);
    }

    /// <summary>"Balanced" tag weights <c>N / (tags · count)</c> over labelled positions; 0 for a tag without examples.</summary>
    public static float[] BalancedClassWeights(TokenSequenceSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var counts = data.CountPerTag();
        var weights = new float[counts.Length];
        for (var c = 0; c < counts.Length; c++)
        {
            weights[c] = counts[c] == 0 ? 0f : (float)data.LabelledCount / (counts.Length * counts[c]);
        }

        return weights;
    }

    private static bool HasLabel(ReadOnlySpan<int> labels)
    {
        foreach (var label in labels)
        {
            if (label >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static int CountCorrect(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, int tags)
    {
        var correct = 0;
        for (var row = 0; row < labels.Length; row++)
        {
            if (TensorPrimitives.IndexOfMax(probabilities.Slice(row * tags, tags)) == labels[row])
            {
                correct++;
            }
        }

        return correct;
    }
}
