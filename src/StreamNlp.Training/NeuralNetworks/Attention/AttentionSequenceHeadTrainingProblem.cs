namespace StreamNlp.Training.NeuralNetworks.Attention;

/// <summary>An <see cref="AttentionSequenceHead"/> on a <see cref="SequenceSet"/>, for <see cref="HeadTrainingLoop"/>.</summary>
internal sealed class AttentionSequenceHeadTrainingProblem(SequenceSet train, SequenceSet? dev, AttentionSequenceHeadOptions options)
    : ITrainingProblem<AttentionSequenceHead>
{
    private readonly int[] batchLabels = new int[Math.Min(options.BatchSize, train.Count)];
    private AttentionSequenceHeadBackprop? backprop;

    public int[] Examples { get; } = [.. Enumerable.Range(0, train.Count)];

    public bool HasDev => dev is { Count: > 0 };

    public AttentionSequenceHead CreateModel(SeededRandom random)
    {
        var model = AttentionSequenceHead.Create(train.HiddenSize, train.ClassCount, options, random);
        backprop = new AttentionSequenceHeadBackprop(model);
        return model;
    }

    public float[] BalancedClassWeights() => AttentionSequenceHeadTrainer.BalancedClassWeights(train);

    public (double Loss, double Accuracy) EvaluateDev(AttentionSequenceHead model) =>
        AttentionSequenceHeadTrainer.Evaluate(model, dev ?? throw new InvalidOperationException("There is no dev set."));

    public BatchOutcome TrainBatch(AttentionSequenceHead model, ReadOnlySpan<int> batch, float[] classWeights, SeededRandom dropoutRandom)
    {
        var step = backprop ?? throw new InvalidOperationException("CreateModel comes first.");
        var loss = step.Run(train, batch, classWeights, training: true);
        for (var r = 0; r < batch.Length; r++)
        {
            batchLabels[r] = train.Labels[batch[r]];
        }

        var correct = SoftmaxCrossEntropy.CountCorrect(step.Probabilities, batchLabels.AsSpan(0, batch.Length), train.ClassCount);
        return new BatchOutcome(loss, batch.Length, correct);
    }
}
