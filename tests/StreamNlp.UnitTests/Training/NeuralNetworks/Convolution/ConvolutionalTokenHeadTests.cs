using StreamNlp.Models.Tokenization;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Convolution;

namespace StreamNlp.UnitTests.Training.NeuralNetworks.Convolution;

/// <summary>The whole head: loss gradients against finite differences, and batched versus one-sequence prediction.</summary>
public sealed class ConvolutionalTokenHeadTests
{
    private const int Hidden = 4, Tags = 3, Channels = 5;
    private static readonly int[] Lengths = [7, 4, 2, 1, 5];

    [Theory]
    [InlineData(new[] { 3 }, new[] { 1 }, false)]
    [InlineData(new[] { 3, 3 }, new[] { 1, 2 }, false)]
    [InlineData(new[] { 3, 3 }, new[] { 1, 2 }, true)]
    [InlineData(new[] { 5, 1 }, new[] { 1, 1 }, true)]
    public void Backprop_LossGradientOfEveryParameter_MatchesFiniteDifferences(int[] kernels, int[] dilations, bool dropout)
    {
        var random = new Random(kernels.Sum() + (dropout ? 100 : 0));
        var data = RandomSet(random, Lengths);
        var head = ConvolutionalTokenHead.Create(Hidden, TokenShapeFeatures.Count, Tags, kernels, dilations, Channels, new SeededRandom(3));
        foreach (var parameter in head.Parameters.Where(p => !p.ApplyWeightDecay))
        {
            GradientChecker.RandomValues(random, parameter.Length).AsSpan().CopyTo(parameter.Value);
        }

        var backprop = new ConvolutionalTokenHeadBackprop(head);
        var masks = new SeededRandom(9);
        var sequences = Enumerable.Range(0, Lengths.Length).ToArray();
        var inputDropout = dropout ? 0.2f : 0f;
        var hiddenDropout = dropout ? 0.3f : 0f;

        // Every evaluation draws the same dropout masks (from a copy of the same generator), so the loss is a
        // deterministic function of the weights and finite differences apply.
        double Loss() => backprop.Run(data, sequences, [], training: true, inputDropout, hiddenDropout, masks.Clone());

        Loss();
        var gradients = head.Parameters.Select(p => (float[])p.Gradient.Clone()).ToArray();
        Assert.Contains(gradients, g => g.Any(v => v != 0f));
        for (var i = 0; i < gradients.Length; i++)
        {
            GradientChecker.Check(head.Parameters[i].Name, head.Parameters[i].Value, gradients[i], Loss, step: 1e-3f, absolute: 2e-3, relative: 2e-2);
        }
    }

    [Fact]
    public void Backprop_ClassWeights_GradientMatchesFiniteDifferences()
    {
        var random = new Random(21);
        var data = RandomSet(random, Lengths);
        var head = ConvolutionalTokenHead.Create(Hidden, TokenShapeFeatures.Count, Tags, [3], [], Channels, new SeededRandom(4));
        var backprop = new ConvolutionalTokenHeadBackprop(head);
        var sequences = Enumerable.Range(0, Lengths.Length).ToArray();
        float[] weights = [0.5f, 2f, 3f];

        double Loss() => backprop.Run(data, sequences, weights, training: true, 0f, 0f, null);

        Loss();
        var gradients = head.Parameters.Select(p => (float[])p.Gradient.Clone()).ToArray();
        for (var i = 0; i < gradients.Length; i++)
        {
            GradientChecker.Check(head.Parameters[i].Name, head.Parameters[i].Value, gradients[i], Loss, step: 1e-3f, absolute: 2e-3, relative: 2e-2);
        }
    }

    [Fact]
    public void PredictProbabilities_DataSet_EqualsEachSequenceAlone()
    {
        var random = new Random(5);
        var states = SyntheticSequences.RandomStates(random, Lengths, Hidden);
        var head = ConvolutionalTokenHead.Create(Hidden, TokenShapeFeatures.Count, Tags, [3, 5], [2, 1], Channels, new SeededRandom(6));

        var all = head.PredictProbabilities(states);

        Assert.Equal(states.PositionCount * Tags, all.Length);
        for (var s = 0; s < Lengths.Length; s++)
        {
            var alone = head.PredictProbabilities(states.StatesOf(s), states.ShapeOf(s), Lengths[s]);
            for (var i = 0; i < alone.Length; i++)
            {
                Assert.Equal(alone[i], all[(states.Offsets[s] * Tags) + i], 5);
            }
        }

        for (var row = 0; row < states.PositionCount; row++)
        {
            Assert.Equal(1.0, all.AsSpan(row * Tags, Tags).ToArray().Sum(), 4);
        }
    }

    [Fact]
    public void Backprop_Evaluation_MatchesPredictProbabilitiesAtLabelledPositions()
    {
        var random = new Random(8);
        var data = RandomSet(random, Lengths);
        var head = ConvolutionalTokenHead.Create(Hidden, TokenShapeFeatures.Count, Tags, [3, 3], [], Channels, new SeededRandom(7));
        var backprop = new ConvolutionalTokenHeadBackprop(head);

        backprop.Run(data, Enumerable.Range(0, Lengths.Length).ToArray(), [], training: false, 0f, 0f, null);
        var all = head.PredictProbabilities(data.States);

        var k = 0;
        for (var position = 0; position < data.Labels.Length; position++)
        {
            if (data.Labels[position] < 0)
            {
                continue;
            }

            for (var t = 0; t < Tags; t++)
            {
                Assert.Equal(all[(position * Tags) + t], backprop.Probabilities[(k * Tags) + t], 5);
            }

            k++;
        }

        Assert.Equal(data.LabelledCount, k);
    }

    [Fact]
    public void Clone_PredictsTheSame_AndIsIndependent()
    {
        var random = new Random(9);
        var states = SyntheticSequences.RandomStates(random, [6], Hidden);
        var head = ConvolutionalTokenHead.Create(Hidden, TokenShapeFeatures.Count, Tags, [3], [], Channels, new SeededRandom(8));
        var clone = head.Clone();

        Assert.Equal(head.PredictProbabilities(states), clone.PredictProbabilities(states));
        head.Output.Bias.Value[0] += 5f;
        Assert.NotEqual(head.PredictProbabilities(states), clone.PredictProbabilities(states));
    }

    [Fact]
    public void Describe_NamesKernelsDilationsAndChannels()
    {
        var head = ConvolutionalTokenHead.Create(Hidden, TokenShapeFeatures.Count, Tags, [3, 3], [1, 2], 8, new SeededRandom(1));

        Assert.Equal("conv-k3-k3d2-8", head.Describe());
    }

    [Fact]
    public void Constructor_LayersThatDoNotChain_Throw()
    {
        var random = new SeededRandom(1);
        var first = Conv1DLayer.CreateRandom(Hidden + 5, 8, 3, 1, random);
        var wrong = Conv1DLayer.CreateRandom(7, 8, 3, 1, random);

        Assert.Throws<ArgumentException>(() => new ConvolutionalTokenHead(Hidden, 5, [first, wrong], DenseLayer.CreateRandom(8, Tags, false, random)));
        Assert.Throws<ArgumentException>(() => new ConvolutionalTokenHead(Hidden, 5, [first], DenseLayer.CreateRandom(9, Tags, false, random)));
        Assert.Throws<ArgumentException>(() => new ConvolutionalTokenHead(Hidden, 5, [], DenseLayer.CreateRandom(9, Tags, false, random)));
    }

    /// <summary>Random states with a random label at about two positions in three (the rest -1).</summary>
    private static TokenSequenceSet RandomSet(Random random, int[] lengths)
    {
        var states = SyntheticSequences.RandomStates(random, lengths, Hidden);
        var labels = new int[states.PositionCount];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = random.Next(3) == 0 ? -1 : random.Next(Tags);
        }

        labels[0] = 1;
        return new TokenSequenceSet(states, labels, Tags);
    }
}
