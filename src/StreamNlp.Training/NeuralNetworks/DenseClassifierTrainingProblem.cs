namespace StreamNlp.Training.NeuralNetworks;

/// <summary>A <see cref="DenseClassifier"/> on a <see cref="TrainingSet"/>, for <see cref="HeadTrainingLoop"/>.</summary>
internal sealed class DenseClassifierTrainingProblem(TrainingSet train, TrainingSet? dev, DenseClassifierOptions options)
    : ITrainingProblem<DenseClassifier>
{
    private readonly int batchSize = Math.Min(options.BatchSize, train.Count);
    private readonly float[] batchFeatures = new float[Math.Min(options.BatchSize, train.Count) * train.Dimension];
    private readonly int[] batchLabels = new int[Math.Min(options.BatchSize, train.Count)];
    private DenseClassifierBackprop? backprop;

    public int[] Examples { get; } = [.. Enumerable.Range(0, train.Count)];

    public bool HasDev => dev is { Count: > 0 };

    public DenseClassifier CreateModel(SeededRandom random)
    {
        var model = DenseClassifier.Create(train.Dimension, options.HiddenSizes, train.ClassCount, options.Dropout, random);
        backprop = new DenseClassifierBackprop(model, batchSize);
        return model;
    }

    public float[] BalancedClassWeights() => DenseClassifierTrainer.BalancedClassWeights(train);

    public (double Loss, double Accuracy) EvaluateDev(DenseClassifier model) =>
        DenseClassifierTrainer.Evaluate(model, dev ?? throw new InvalidOperationException("There is no dev set."));

    public BatchOutcome TrainBatch(DenseClassifier model, ReadOnlySpan<int> batch, float[] classWeights, SeededRandom dropoutRandom)
    {
        var step = backprop ?? throw new InvalidOperationException("CreateModel comes first.");
        var rows = batch.Length;
        for (var r = 0; r < rows; r++)
        {
            var example = batch[r];
            train.Row(example).CopyTo(batchFeatures.AsSpan(r * train.Dimension));
            batchLabels[r] = train.Labels[example];
        }

        var loss = step.Run(batchFeatures, batchLabels, rows, classWeights, training: true);
        var correct = SoftmaxCrossEntropy.CountCorrect(step.Probabilities, batchLabels.AsSpan(0, rows), train.ClassCount);
        return new BatchOutcome(loss, rows, correct);
    }
}
