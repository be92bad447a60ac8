namespace StreamNlp.Training.NeuralNetworks.Convolution;

/// <summary>
/// Trains a <see cref="ConvolutionalTokenHead"/> through the shared <see cref="HeadTrainingLoop"/>, on cross-entropy
/// over the labelled positions, batching whole sentences. The sentences of a batch are stacked without padding and each
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
    public static HeadTrainingResult<ConvolutionalTokenHead> Train(
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

        return HeadTrainingLoop.Run(new ConvolutionalTokenHeadTrainingProblem(train, dev, options), options, devMetric, progress, cancellationToken);
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
            correct += SoftmaxCrossEntropy.CountCorrect(backprop.Probabilities, backprop.Labels, data.TagCount);
        }

        return (lossSum / data.LabelledCount, (double)correct / data.LabelledCount);
    }

    /// <summary>"Balanced" tag weights <c>N / (tags · count)</c> over labelled positions; 0 for a tag without examples.</summary>
    public static float[] BalancedClassWeights(TokenSequenceSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return SoftmaxCrossEntropy.BalancedWeights(data.CountPerTag(), data.LabelledCount);
    }
}
