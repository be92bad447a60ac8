using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.UnitTests.Training.NeuralNetworks;

public sealed class DenseClassifierTrainerTests
{
    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 16 })]
    public void Train_SeparableBlobs_ReachesAtLeast95PercentOnDev(int[] hiddenSizes)
    {
        var train = ToyData.Blobs(900, 20, 3, separation: 4f, seed: 1);
        var dev = ToyData.Blobs(300, 20, 3, separation: 4f, seed: 2);
        var options = new DenseClassifierOptions { Epochs = 15, BatchSize = 32, LearningRate = 0.01f, HiddenSizes = hiddenSizes, Seed = 3 };

        var result = DenseClassifierTrainer.Train(train, dev, options);

        var (_, accuracy) = DenseClassifierTrainer.Evaluate(result.Model, dev);
        Assert.True(accuracy >= 0.95, $"Dev accuracy {accuracy:P1}.");
        Assert.True(result.Epochs[0].TrainLoss > result.Epochs[^1].TrainLoss, "Training loss did not fall.");
        Assert.Equal(hiddenSizes.Length, result.Model.HiddenSizes.Count);
    }

    [Fact]
    public void Train_SameSeed_GivesIdenticalWeights_OtherSeedDoesNot()
    {
        // Large enough for the parallel kernels (64 × 64 × 32 multiply-adds per batch) and with dropout active.
        var train = ToyData.Blobs(640, 64, 4, separation: 2f, seed: 4);
        var dev = ToyData.Blobs(200, 64, 4, separation: 2f, seed: 5);
        var options = new DenseClassifierOptions { Epochs = 3, HiddenSizes = [32], Dropout = 0.3f, Seed = 17, Patience = 0 };

        var first = DenseClassifierTrainer.Train(train, dev, options);
        var second = DenseClassifierTrainer.Train(train, dev, options);
        var other = DenseClassifierTrainer.Train(train, dev, options with { Seed = 18 });

        Assert.Equal(first.Model.Parameters.Count, second.Model.Parameters.Count);
        for (var i = 0; i < first.Model.Parameters.Count; i++)
        {
            Assert.Equal(first.Model.Parameters[i].Value, second.Model.Parameters[i].Value);
        }

        Assert.Equal(first.Epochs.Select(e => e.TrainLoss), second.Epochs.Select(e => e.TrainLoss));
        Assert.NotEqual(first.Model.Parameters[0].Value, other.Model.Parameters[0].Value);
    }

    [Fact]
    public void Train_DevMetricStopsImproving_StopsAfterPatienceAndRestoresBestEpoch()
    {
        var train = ToyData.Blobs(200, 5, 2, separation: 1f, seed: 6);
        double[] scripted = [0.5, 0.9, 0.7, 0.6, 0.99, 0.99];
        var snapshots = new List<DenseClassifier>();
        double Metric(DenseClassifier model)
        {
            snapshots.Add(model.Clone());
            return scripted[snapshots.Count - 1];
        }

        var options = new DenseClassifierOptions { Epochs = 6, Patience = 2, HiddenSizes = [4], LearningRate = 0.05f };

        var result = DenseClassifierTrainer.Train(train, dev: null, options, Metric);

        Assert.Equal(4, result.Epochs.Count);
        Assert.Equal(2, result.BestEpoch);
        Assert.Equal([0.5, 0.9, 0.7, 0.6], result.Epochs.Select(e => e.DevMetric!.Value));
        for (var i = 0; i < result.Model.Parameters.Count; i++)
        {
            Assert.Equal(snapshots[1].Parameters[i].Value, result.Model.Parameters[i].Value);
        }

        Assert.NotEqual(snapshots[3].Parameters[0].Value, result.Model.Parameters[0].Value);
    }

    [Fact]
    public void Train_WithoutDevMetric_UsesDevAccuracyAndReportsEveryEpoch()
    {
        var train = ToyData.Blobs(300, 6, 3, separation: 2f, seed: 7);
        var dev = ToyData.Blobs(150, 6, 3, separation: 2f, seed: 8);
        var progress = new RecordingProgress<EpochReport>();
        var options = new DenseClassifierOptions { Epochs = 4, Patience = 0, LearningRate = 0.02f };

        var result = DenseClassifierTrainer.Train(train, dev, options, progress: progress);

        Assert.Equal(result.Epochs, progress.Reports);
        Assert.Equal([1, 2, 3, 4], result.Epochs.Select(e => e.Epoch));
        var best = result.Epochs[result.BestEpoch - 1];
        var (loss, accuracy) = DenseClassifierTrainer.Evaluate(result.Model, dev);
        Assert.Equal(accuracy, best.DevMetric);
        Assert.Equal(loss, best.DevLoss!.Value, 10);
        Assert.Equal(result.Epochs.Max(e => e.DevMetric), best.DevMetric);
        Assert.All(result.Epochs, e => Assert.InRange(e.TrainAccuracy, 0.0, 1.0));
        Assert.True(result.Epochs.Zip(result.Epochs.Skip(1)).All(p => p.First.Elapsed <= p.Second.Elapsed));
    }

    [Fact]
    public void Train_NoDevSetNorMetric_RunsAllEpochsAndReturnsLast()
    {
        var train = ToyData.Blobs(100, 4, 2, separation: 2f, seed: 9);

        var result = DenseClassifierTrainer.Train(train, null, new DenseClassifierOptions { Epochs = 3 });

        Assert.Equal(3, result.Epochs.Count);
        Assert.Equal(3, result.BestEpoch);
        Assert.All(result.Epochs, e => Assert.Null(e.DevMetric));
        Assert.All(result.Epochs, e => Assert.Null(e.DevLoss));
    }

    [Fact]
    public void Train_ClassWeighting_RaisesMinorityRecall()
    {
        var train = ToyData.Imbalanced(4000, shift: 1.5f, seed: 10);
        var dev = ToyData.Imbalanced(2000, shift: 1.5f, seed: 11);
        var options = new DenseClassifierOptions { Epochs = 5, LearningRate = 0.02f, Patience = 0 };

        var plain = DenseClassifierTrainer.Train(train, null, options).Model;
        var weighted = DenseClassifierTrainer.Train(train, null, options with { ClassWeighting = true }).Model;

        var plainRecall = MinorityRecall(plain, dev);
        var weightedRecall = MinorityRecall(weighted, dev);
        Assert.True(weightedRecall > plainRecall + 0.3, $"Minority recall {plainRecall:P0} unweighted, {weightedRecall:P0} weighted.");
    }

    [Fact]
    public void BalancedClassWeights_AreInverseFrequency()
    {
        var data = new TrainingSet(new float[8], 1, [0, 0, 0, 0, 0, 0, 1, 1], 3);

        var weights = DenseClassifierTrainer.BalancedClassWeights(data);

        // N / (classes · count): 8 / (3 · 6), 8 / (3 · 2), and 0 for the empty class.
        Assert.Equal([8f / 18, 8f / 6, 0f], weights);
    }

    [Fact]
    public void Train_InvalidOptionsOrMismatchedDev_Throws()
    {
        var train = ToyData.Blobs(20, 4, 2, 1f, 1);
        var dev = ToyData.Blobs(20, 5, 2, 1f, 1);

        Assert.Throws<ArgumentException>(() => DenseClassifierTrainer.Train(train, null, new DenseClassifierOptions { Epochs = 0 }));
        Assert.Throws<ArgumentException>(() => DenseClassifierTrainer.Train(train, null, new DenseClassifierOptions { Dropout = 1f }));
        Assert.Throws<ArgumentException>(() => DenseClassifierTrainer.Train(train, null, new DenseClassifierOptions { HiddenSizes = [-1] }));
        Assert.Throws<ArgumentException>(() => DenseClassifierTrainer.Train(train, dev, new DenseClassifierOptions()));
    }

    [Fact]
    public void Train_Cancelled_Throws()
    {
        var train = ToyData.Blobs(100, 4, 2, 1f, 1);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(
            () => DenseClassifierTrainer.Train(train, null, new DenseClassifierOptions(), cancellationToken: cancellation.Token));
    }

    [Fact]
    public void TrainingSet_InvalidShapesOrLabels_Throw()
    {
        Assert.Throws<ArgumentException>(() => new TrainingSet(new float[5], 2, [0, 1], 2));
        Assert.Throws<ArgumentException>(() => new TrainingSet(new float[4], 2, [0, 2], 2));
    }

    private static double MinorityRecall(DenseClassifier model, TrainingSet data)
    {
        var predictions = model.Predict(data.Features, data.Count);
        var minority = Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == 1).ToArray();
        return (double)minority.Count(i => predictions[i] == 1) / minority.Length;
    }
}
