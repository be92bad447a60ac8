using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Convolution;

namespace StreamNlp.UnitTests.Training.NeuralNetworks.Convolution;

/// <summary>
/// The trainer on a synthetic task whose label depends only on the neighbours' features, which no per-position
/// model can learn: a convolution must, deterministically for a fixed seed.
/// </summary>
public sealed class ConvolutionalTokenHeadTrainerTests
{
    private const int Hidden = 6, Tags = 4;

    private static readonly ConvolutionalTokenHeadOptions Options = new()
    {
        Epochs = 30,
        BatchSize = 16,
        LearningRate = 5e-3f,
        Channels = 24,
        KernelSizes = [3],
        Dropout = 0f,
        InputDropout = 0f,
        Patience = 0,
        Seed = 7,
    };

    [Fact]
    public void Train_LabelFromNeighbours_ConvolutionLearnsWhatAPerPositionHeadCannot()
    {
        var train = NeighbourTask(new Random(1), 800);
        var dev = NeighbourTask(new Random(2), 100);

        var convolution = ConvolutionalTokenHeadTrainer.Train(train, dev, Options);
        var perPosition = ConvolutionalTokenHeadTrainer.Train(train, dev, Options with { KernelSizes = [1] });

        var (_, accuracy) = ConvolutionalTokenHeadTrainer.Evaluate(convolution.Model, dev);
        var (_, perPositionAccuracy) = ConvolutionalTokenHeadTrainer.Evaluate(perPosition.Model, dev);
        Assert.True(accuracy > 0.95, $"Kernel 3 reached only {accuracy:P1} dev accuracy.");
        Assert.True(perPositionAccuracy < 0.5, $"Kernel 1 should not beat chance by much, got {perPositionAccuracy:P1}.");
        Assert.Equal(accuracy, convolution.Epochs[convolution.BestEpoch - 1].DevMetric);
    }

    [Fact]
    public void Train_SameSeed_SameModelAndReports_DifferentSeedDiffers()
    {
        var train = NeighbourTask(new Random(3), 120);
        var dev = NeighbourTask(new Random(4), 30);
        var options = Options with { Epochs = 4, Dropout = 0.3f, InputDropout = 0.1f, KernelSizes = [3, 3], Dilations = [1, 2] };

        var first = ConvolutionalTokenHeadTrainer.Train(train, dev, options);
        var second = ConvolutionalTokenHeadTrainer.Train(train, dev, options);
        var other = ConvolutionalTokenHeadTrainer.Train(train, dev, options with { Seed = 8 });

        for (var i = 0; i < first.Model.Parameters.Count; i++)
        {
            Assert.Equal(first.Model.Parameters[i].Value, second.Model.Parameters[i].Value);
        }

        Assert.Equal(first.Epochs.Select(e => (e.TrainLoss, e.DevLoss, e.DevMetric)), second.Epochs.Select(e => (e.TrainLoss, e.DevLoss, e.DevMetric)));
        Assert.NotEqual(first.Model.Parameters[0].Value, other.Model.Parameters[0].Value);
    }

    [Fact]
    public void Train_DevMetric_DrivesEarlyStoppingAndKeepsBestEpoch()
    {
        var train = NeighbourTask(new Random(5), 60);
        var dev = NeighbourTask(new Random(6), 20);
        double[] scores = [0.5, 0.9, 0.7, 0.6, 0.8, 0.1];
        var calls = 0;
        ConvolutionalTokenHead? atBest = null;
        var progress = new RecordingProgress<EpochReport>();

        var result = ConvolutionalTokenHeadTrainer.Train(
            train,
            dev,
            Options with { Epochs = 6, Patience = 2 },
            model =>
            {
                if (calls == 1)
                {
                    atBest = model.Clone();
                }

                return scores[calls++];
            },
            progress);

        Assert.Equal(4, result.Epochs.Count);
        Assert.Equal(2, result.BestEpoch);
        Assert.Equal(scores[..4], result.Epochs.Select(e => e.DevMetric!.Value));
        Assert.Equal(result.Epochs, progress.Reports);
        Assert.Equal(atBest!.Output.Weights.Value, result.Model.Output.Weights.Value);
        Assert.All(result.Epochs, e => Assert.NotNull(e.DevLoss));
    }

    [Fact]
    public void Train_Cancelled_Throws()
    {
        var train = NeighbourTask(new Random(7), 20);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() => ConvolutionalTokenHeadTrainer.Train(train, null, Options, cancellationToken: cancellation.Token));
    }

    [Fact]
    public void BalancedClassWeights_InverseFrequencyOverLabelledPositions()
    {
        var states = SyntheticSequences.RandomStates(new Random(8), [3, 3], Hidden);
        var set = new TokenSequenceSet(states, [0, 0, 0, 1, -1, -1], Tags);

        var weights = ConvolutionalTokenHeadTrainer.BalancedClassWeights(set);

        Assert.Equal([4f / (4 * 3), 4f / (4 * 1), 0f, 0f], weights);
    }

    [Theory]
    [InlineData(new[] { 4 }, new int[0], 16)]
    [InlineData(new[] { 3 }, new[] { 1, 2 }, 16)]
    [InlineData(new[] { 3 }, new[] { 0 }, 16)]
    [InlineData(new int[0], new int[0], 16)]
    [InlineData(new[] { 3 }, new int[0], 0)]
    public void Train_InvalidShape_Throws(int[] kernels, int[] dilations, int channels)
    {
        var train = NeighbourTask(new Random(9), 5);
        var options = Options with { KernelSizes = kernels, Dilations = dilations, Channels = channels };

        Assert.Throws<ArgumentException>(() => ConvolutionalTokenHeadTrainer.Train(train, null, options));
    }

    [Fact]
    public void TokenSequenceSet_LabelsThatDoNotFit_Throw()
    {
        var states = SyntheticSequences.RandomStates(new Random(10), [2, 1], Hidden);

        Assert.Throws<ArgumentException>(() => new TokenSequenceSet(states, [0, 1], Tags));
        Assert.Throws<ArgumentException>(() => new TokenSequenceSet(states, [0, 1, Tags], Tags));
        Assert.Throws<ArgumentException>(() => new TokenSequenceSet(states, [0, -2, 1], Tags));
        Assert.Equal(2, new TokenSequenceSet(states, [0, -1, 3], Tags).LabelledCount);
    }

    /// <summary>
    /// Sequences of 3 to 12 random positions; the label of position t is 2·[x(t−1)₀ &gt; 0] + [x(t+1)₁ &gt; 0]
    /// (a missing neighbour counts as 0), its own features being irrelevant. The first position is unlabelled.
    /// </summary>
    private static TokenSequenceSet NeighbourTask(Random random, int count)
    {
        var lengths = Enumerable.Range(0, count).Select(_ => random.Next(3, 13)).ToArray();
        var states = SyntheticSequences.RandomStates(random, lengths, Hidden);
        var labels = new int[states.PositionCount];
        for (var s = 0; s < lengths.Length; s++)
        {
            var start = states.Offsets[s];
            for (var t = 0; t < lengths[s]; t++)
            {
                var left = t > 0 && states.States[((start + t - 1) * Hidden) + 0] > 0 ? 2 : 0;
                var right = t + 1 < lengths[s] && states.States[((start + t + 1) * Hidden) + 1] > 0 ? 1 : 0;
                labels[start + t] = t == 0 ? -1 : left + right;
            }
        }

        return new TokenSequenceSet(states, labels, Tags);
    }
}
