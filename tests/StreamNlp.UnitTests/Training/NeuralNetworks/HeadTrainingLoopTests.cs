using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.UnitTests.Training.NeuralNetworks;

/// <summary>The one training loop every head family uses: mini-batches, seeding, early stopping, step-size decay.</summary>
public sealed class HeadTrainingLoopTests
{
    private sealed record LoopOptions : HeadTrainingOptions;

    [Fact]
    public void Run_CutsEveryEpochIntoShuffledMiniBatches_CoveringEachExampleOnce()
    {
        var problem = new ScriptedTrainingProblem(10);

        var result = HeadTrainingLoop.Run(problem, new LoopOptions { Epochs = 3, BatchSize = 4, Patience = 0 });

        Assert.Equal(9, problem.Batches.Count); // 4 + 4 + 2 per epoch
        Assert.Equal([4, 4, 2, 4, 4, 2, 4, 4, 2], problem.Batches.Select(b => b.Length));
        for (var epoch = 0; epoch < 3; epoch++)
        {
            Assert.Equal(Enumerable.Range(0, 10), problem.Batches.Skip(epoch * 3).Take(3).SelectMany(b => b).Order());
        }

        Assert.NotEqual(problem.Batches[0], problem.Batches[3]); // reshuffled every epoch
        Assert.Equal(3, result.Epochs.Count);
        Assert.All(result.Epochs, e => Assert.Equal((1.0, 0.5), (e.TrainLoss, e.TrainAccuracy))); // per-batch means weighted by rows scored
    }

    [Fact]
    public void Run_SameSeed_SameDraws_OtherSeedDiffers_StreamsForkedInAFixedOrder()
    {
        var options = new LoopOptions { Epochs = 2, BatchSize = 3, Seed = 11, Patience = 0 };
        var first = new ScriptedTrainingProblem(12);
        var second = new ScriptedTrainingProblem(12);
        var other = new ScriptedTrainingProblem(12);

        HeadTrainingLoop.Run(first, options);
        HeadTrainingLoop.Run(second, options);
        HeadTrainingLoop.Run(other, options with { Seed = 12 });

        Assert.Equal(first.Batches, second.Batches);
        Assert.Equal(first.WeightBeforeBatch, second.WeightBeforeBatch);
        Assert.NotEqual(first.Batches, other.Batches);
        // Model initialisation, then shuffling, then dropout: each its own fork of the seed's generator, in that order.
        var root = new SeededRandom(11);
        Assert.Equal(root.Fork().NextUInt64(), first.ModelRandomDraw);
        _ = root.Fork();
        Assert.Equal(root.Fork().NextUInt64(), first.DropoutRandomDraw);
    }

    [Fact]
    public void Run_DevMetricStopsImproving_StopsAfterPatience_AndReturnsTheBestEpochsWeights()
    {
        double[] script = [0.2, 0.6, 0.5, 0.55, 0.9, 0.95];
        var weightAtEpochEnd = new List<float>();
        var progress = new RecordingProgress<EpochReport>();
        var epoch = 0;

        var result = HeadTrainingLoop.Run(new ScriptedTrainingProblem(8), new LoopOptions { Epochs = 6, BatchSize = 8, Patience = 2 }, model =>
        {
            weightAtEpochEnd.Add(model.Weight.Value[0]);
            return script[epoch++];
        }, progress);

        Assert.Equal(4, result.Epochs.Count); // epochs 3 and 4 did not beat epoch 2: patience 2 ran out
        Assert.Equal(2, result.BestEpoch);
        Assert.Equal(weightAtEpochEnd[1], result.Model.Weight.Value[0]);
        Assert.NotEqual(weightAtEpochEnd[3], result.Model.Weight.Value[0]);
        Assert.Equal([0.2, 0.6, 0.5, 0.55], progress.Reports.Select(r => r.DevMetric!.Value));
    }

    [Fact]
    public void Run_PatienceZero_RunsEveryEpoch_MinimumImprovementCounts()
    {
        double[] script = [0.5, 0.505, 0.51, 0.4];
        var epoch = 0;

        var result = HeadTrainingLoop.Run(
            new ScriptedTrainingProblem(4), new LoopOptions { Epochs = 4, BatchSize = 4, Patience = 0, MinimumImprovement = 0.008 }, _ => script[epoch++]);

        Assert.Equal(4, result.Epochs.Count);
        Assert.Equal(3, result.BestEpoch); // 0.505 is not 0.008 better than 0.5; 0.51 is
    }

    [Fact]
    public void Run_DecayLearningRate_ShrinksTheStepsLinearlyToZero()
    {
        var constant = new ScriptedTrainingProblem(40);
        var decayed = new ScriptedTrainingProblem(40);
        var options = new LoopOptions { Epochs = 2, BatchSize = 4, LearningRate = 0.1f, WeightDecay = 0f, Patience = 0 };

        HeadTrainingLoop.Run(constant, options);
        HeadTrainingLoop.Run(decayed, options with { DecayLearningRate = true });

        var constantSteps = Steps(constant.WeightBeforeBatch);
        var decayedSteps = Steps(decayed.WeightBeforeBatch);
        Assert.All(constantSteps, s => Assert.Equal(0.1, s, 3));
        Assert.True(decayedSteps[0] > 0.09 && decayedSteps[^1] < 0.02, $"steps {decayedSteps[0]:0.000} … {decayedSteps[^1]:0.000}");
        Assert.True(decayedSteps.Zip(decayedSteps.Skip(1)).All(p => p.First > p.Second), "each step smaller than the one before");
    }

    [Fact]
    public void Run_NoExamples_OrInvalidOptions_Throws()
    {
        Assert.Throws<ArgumentException>(() => HeadTrainingLoop.Run(new ScriptedTrainingProblem(0), new LoopOptions()));
        var error = Assert.Throws<ArgumentException>(() => HeadTrainingLoop.Run(new ScriptedTrainingProblem(4), new LoopOptions { BatchSize = 0 }));
        Assert.StartsWith("BatchSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Cancelled_Throws()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.Throws<OperationCanceledException>(() => HeadTrainingLoop.Run(new ScriptedTrainingProblem(4), new LoopOptions(), cancellationToken: cancel.Token));
    }

    /// <summary>The size of each step between consecutive recorded weights (the weight falls: the gradient is +1).</summary>
    private static double[] Steps(List<float> weights) => [.. weights.Zip(weights.Skip(1)).Select(p => (double)(p.First - p.Second))];
}
