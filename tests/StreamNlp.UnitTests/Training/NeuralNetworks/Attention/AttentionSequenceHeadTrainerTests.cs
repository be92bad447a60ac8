using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;

namespace StreamNlp.UnitTests.Training.NeuralNetworks.Attention;

public sealed class AttentionSequenceHeadTrainerTests
{
    [Fact]
    public void Train_LabelCarriedByOneMarkedPosition_AttentionLearnsIt_MeanPoolingCannot()
    {
        var train = MarkedPositionTask(1200, seed: 1);
        var dev = MarkedPositionTask(400, seed: 2);
        var attention = new AttentionSequenceHeadOptions
        {
            TokenProjectionSize = 0, AttentionHeads = 1, AttentionSize = 8, MeanPooling = false, MaxPooling = false, HiddenSizes = [],
            Epochs = 25, BatchSize = 32, LearningRate = 0.02f, DecayLearningRate = false, WeightDecay = 0f, Patience = 0, Seed = 3,
        };
        var meanOnly = attention with { AttentionHeads = 0, MeanPooling = true, HiddenSizes = [16], Dropout = 0f };

        var attended = AttentionSequenceHeadTrainer.Train(train, dev, attention);
        var averaged = AttentionSequenceHeadTrainer.Train(train, dev, meanOnly);

        var (_, attentionAccuracy) = AttentionSequenceHeadTrainer.Evaluate(attended.Model, dev);
        var (_, meanAccuracy) = AttentionSequenceHeadTrainer.Evaluate(averaged.Model, dev);
        Assert.True(attentionAccuracy >= 0.95, $"Attention pooling reached only {attentionAccuracy:P1} on dev.");
        Assert.True(meanAccuracy <= 0.75, $"Mean pooling reached {meanAccuracy:P1}: the task does not need attention.");
        Assert.True(attended.Epochs[0].TrainLoss > attended.Epochs[^1].TrainLoss, "Training loss did not fall.");
    }

    [Fact]
    public void Train_SameSeed_GivesIdenticalWeights_OtherSeedDoesNot()
    {
        // Big enough for the parallel kernels (≈ 32 sequences × 10 positions × 64 × 32 multiply-adds per batch),
        // with every part and every dropout active.
        var train = AttentionSequenceHeadGradientTests.RandomSequences([.. Enumerable.Range(0, 160).Select(i => 4 + (i % 13))], seed: 4, hiddenSize: 64, classes: 3);
        var dev = AttentionSequenceHeadGradientTests.RandomSequences([.. Enumerable.Range(0, 40).Select(i => 3 + (i % 7))], seed: 5, hiddenSize: 64, classes: 3);
        var options = new AttentionSequenceHeadOptions
        {
            TokenProjectionSize = 32, TokenDropout = 0.1f, AttentionHeads = 2, AttentionSize = 16, PooledDropout = 0.1f,
            HiddenSizes = [24], Dropout = 0.3f, Epochs = 3, BatchSize = 32, Patience = 0, Seed = 17, DecayLearningRate = true,
        };

        var first = AttentionSequenceHeadTrainer.Train(train, dev, options);
        var second = AttentionSequenceHeadTrainer.Train(train, dev, options);
        var other = AttentionSequenceHeadTrainer.Train(train, dev, options with { Seed = 18 });

        Assert.Equal(first.Model.Parameters.Count, second.Model.Parameters.Count);
        for (var i = 0; i < first.Model.Parameters.Count; i++)
        {
            Assert.Equal(first.Model.Parameters[i].Value, second.Model.Parameters[i].Value);
        }

        Assert.Equal(first.Epochs.Select(e => e.TrainLoss), second.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(first.Epochs.Select(e => e.DevLoss), second.Epochs.Select(e => e.DevLoss));
        Assert.NotEqual(first.Model.Parameters[0].Value, other.Model.Parameters[0].Value);
    }

    [Fact]
    public void Train_DevMetricStopsImproving_StopsAfterPatienceAndKeepsBestEpoch()
    {
        var train = MarkedPositionTask(100, seed: 6);
        double[] scripted = [0.5, 0.9, 0.7, 0.6, 0.99];
        var calls = 0;
        AttentionSequenceHead? secondEpochModel = null;
        var progress = new RecordingProgress<EpochReport>();
        var options = new AttentionSequenceHeadOptions { TokenProjectionSize = 0, AttentionHeads = 1, AttentionSize = 4, HiddenSizes = [], Epochs = 5, Patience = 2, Seed = 7 };

        var result = AttentionSequenceHeadTrainer.Train(train, null, options, model =>
        {
            if (calls == 1)
            {
                secondEpochModel = model.Clone();
            }

            return scripted[calls++];
        }, progress);

        Assert.Equal(4, result.Epochs.Count);
        Assert.Equal(2, result.BestEpoch);
        Assert.Equal(result.Epochs, progress.Reports);
        Assert.All(result.Epochs, e => Assert.Null(e.DevLoss));
        for (var i = 0; i < result.Model.Parameters.Count; i++)
        {
            Assert.Equal(secondEpochModel!.Parameters[i].Value, result.Model.Parameters[i].Value);
        }
    }

    [Fact]
    public void Train_MismatchedDevSet_Throws()
    {
        var train = MarkedPositionTask(20, seed: 8);
        var dev = AttentionSequenceHeadGradientTests.RandomSequences([2, 3], seed: 9, hiddenSize: 5, classes: 2);

        Assert.Throws<ArgumentException>(() => AttentionSequenceHeadTrainer.Train(train, dev, new AttentionSequenceHeadOptions()));
    }

    [Fact]
    public void Options_Invalid_AreRejected()
    {
        var train = MarkedPositionTask(20, seed: 10);

        Assert.Throws<ArgumentException>(() => AttentionSequenceHeadTrainer.Train(train, null, new AttentionSequenceHeadOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentException>(() => AttentionSequenceHeadTrainer.Train(train, null, new AttentionSequenceHeadOptions { TokenDropout = 1f }));
        Assert.Throws<ArgumentException>(() => AttentionSequenceHeadTrainer.Train(train, null, new AttentionSequenceHeadOptions { AttentionHeads = -1 }));
    }

    /// <summary>
    /// Sequences of 4–12 positions, 8 wide. One position is marked (component 7 is 1, elsewhere 0) and the label
    /// is whether its component 0 is positive; component 0 elsewhere is wider noise, so the mean says little.
    /// </summary>
    private static SequenceSet MarkedPositionTask(int count, int seed)
    {
        const int width = 8;
        var random = new SeededRandom((ulong)seed);
        var offsets = new int[count + 1];
        var labels = new int[count];
        var states = new List<float>();
        for (var i = 0; i < count; i++)
        {
            var length = 4 + random.NextInt(9);
            var marked = random.NextInt(length);
            labels[i] = random.NextInt(2);
            for (var t = 0; t < length; t++)
            {
                for (var d = 0; d < width - 1; d++)
                {
                    var value = (float)random.NextGaussian();
                    if (d == 0)
                    {
                        value = t == marked
                            ? (labels[i] == 1 ? 1f : -1f) * (0.5f + Math.Abs(value))
                            : 2f * value;
                    }

                    states.Add(value);
                }

                states.Add(t == marked ? 1f : 0f);
            }

            offsets[i + 1] = offsets[i] + length;
        }

        return new SequenceSet([.. states], offsets, width, labels, 2);
    }
}
