using StreamNlp.Models.Tokenization;

namespace StreamNlp.Training.NeuralNetworks.Convolution;

/// <summary>
/// A <see cref="ConvolutionalTokenHead"/> on a <see cref="TokenSequenceSet"/>, for <see cref="HeadTrainingLoop"/>:
/// whole sentences per batch, stacked without padding, the loss over their labelled positions; dropout masks come
/// from the loop's per-batch stream.
/// </summary>
internal sealed class ConvolutionalTokenHeadTrainingProblem(TokenSequenceSet train, TokenSequenceSet? dev, ConvolutionalTokenHeadOptions options)
    : ITrainingProblem<ConvolutionalTokenHead>
{
    private ConvolutionalTokenHeadBackprop? backprop;

    /// <summary>The sentences with at least one labelled position (the others add nothing to the loss).</summary>
    public int[] Examples { get; } = [.. Enumerable.Range(0, train.Count).Where(s => HasLabel(train.LabelsOf(s)))];

    public bool HasDev => dev is { LabelledCount: > 0 };

    public ConvolutionalTokenHead CreateModel(SeededRandom random)
    {
        var model = ConvolutionalTokenHead.Create(
            train.HiddenSize, TokenShapeFeatures.Count, train.TagCount, options.KernelSizes, options.Dilations, options.Channels, random);
        backprop = new ConvolutionalTokenHeadBackprop(model);
        return model;
    }

    public float[] BalancedClassWeights() => ConvolutionalTokenHeadTrainer.BalancedClassWeights(train);

    public (double Loss, double Accuracy) EvaluateDev(ConvolutionalTokenHead model) =>
        ConvolutionalTokenHeadTrainer.Evaluate(model, dev ?? throw new InvalidOperationException("There is no dev set."));

    public BatchOutcome TrainBatch(ConvolutionalTokenHead model, ReadOnlySpan<int> batch, float[] classWeights, SeededRandom dropoutRandom)
    {
        var step = backprop ?? throw new InvalidOperationException("CreateModel comes first.");
        var loss = step.Run(train, batch, classWeights, training: true, options.InputDropout, options.Dropout, dropoutRandom);
        return new BatchOutcome(loss, step.LabelledCount, SoftmaxCrossEntropy.CountCorrect(step.Probabilities, step.Labels, train.TagCount));
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
}
