using System.Numerics.Tensors;

namespace StreamNlp.Training.NeuralNetworks.Attention;

/// <summary>
/// Trains an <see cref="AttentionSequenceHead"/> through the shared <see cref="HeadTrainingLoop"/> (mini-batch AdamW on
/// softmax cross-entropy, early stopping on a dev metric). The same seed, data and options give the same model,
/// whatever the number of cores.
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
    public static HeadTrainingResult<AttentionSequenceHead> Train(
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

        return HeadTrainingLoop.Run(new AttentionSequenceHeadTrainingProblem(train, dev, options), options, devMetric, progress, cancellationToken);
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
        return SoftmaxCrossEntropy.BalancedWeights(data.CountPerClass(), data.Count);
    }
}
