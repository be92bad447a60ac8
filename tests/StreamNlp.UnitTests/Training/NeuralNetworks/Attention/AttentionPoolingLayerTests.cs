using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;

namespace StreamNlp.UnitTests.Training.NeuralNetworks.Attention;

/// <summary>
/// <see cref="AttentionPoolingLayer"/>: analytic gradients against central finite differences on ragged batches
/// of different lengths (1 included), softmax weights confined to each sequence, and independence from the batch.
/// </summary>
public sealed class AttentionPoolingLayerTests
{
    // Lengths 3, 1, 5 and 2: a one-position sequence, and sequences on both sides of it.
    private static readonly int[] Offsets = [0, 3, 4, 9, 11];

    [Theory]
    [InlineData(AttentionScoring.Additive, 1)]
    [InlineData(AttentionScoring.Additive, 3)]
    [InlineData(AttentionScoring.DotProduct, 1)]
    [InlineData(AttentionScoring.DotProduct, 2)]
    public void Gradients_OfWeightsAndValues_MatchFiniteDifferences(AttentionScoring scoring, int heads)
    {
        const int inputSize = 6, attentionSize = 5, sequences = 4;
        var random = new Random(10 + heads);
        var layer = Scaled(AttentionPoolingLayer.CreateRandom(inputSize, heads, scoring, attentionSize, new SeededRandom(3)), random);
        var positions = Offsets[sequences];
        var values = GradientChecker.RandomValues(random, positions * inputSize);
        var outputWeights = GradientChecker.RandomValues(random, sequences * layer.OutputSize);
        var output = new float[sequences * layer.OutputSize];
        var state = new AttentionPoolingState();

        double Loss()
        {
            layer.Forward(values, Offsets, sequences, output, state);
            return GradientChecker.WeightedSum(output, outputWeights, output.Length);
        }

        Loss();
        var valuesGradient = new float[positions * inputSize];
        layer.Backward(values, Offsets, sequences, outputWeights, valuesGradient, state);

        foreach (var parameter in layer.Parameters)
        {
            GradientChecker.Check(parameter.Name, parameter.Value, parameter.Gradient, Loss);
        }

        GradientChecker.Check("values", values, valuesGradient, Loss);
    }

    [Fact]
    public void Backward_AddsToTheValuesGradient_RatherThanOverwriting()
    {
        const int inputSize = 4, sequences = 2;
        int[] offsets = [0, 2, 5];
        var random = new Random(20);
        var layer = AttentionPoolingLayer.CreateRandom(inputSize, 2, AttentionScoring.Additive, 3, new SeededRandom(4));
        var values = GradientChecker.RandomValues(random, 5 * inputSize);
        var outputGradient = GradientChecker.RandomValues(random, sequences * layer.OutputSize);
        var state = new AttentionPoolingState();
        layer.Forward(values, offsets, sequences, new float[sequences * layer.OutputSize], state);

        var fresh = new float[values.Length];
        layer.Backward(values, offsets, sequences, outputGradient, fresh, state);
        var preset = Enumerable.Repeat(1f, values.Length).ToArray();
        layer.Backward(values, offsets, sequences, outputGradient, preset, state);

        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(fresh[i] + 1f, preset[i], 5);
        }
    }

    [Theory]
    [InlineData(AttentionScoring.Additive)]
    [InlineData(AttentionScoring.DotProduct)]
    public void Forward_WeightsSumToOneWithinEachSequence_AndPoolConvexCombinations(AttentionScoring scoring)
    {
        const int inputSize = 8, heads = 2, sequences = 4;
        var random = new Random(30);
        var layer = Scaled(AttentionPoolingLayer.CreateRandom(inputSize, heads, scoring, 6, new SeededRandom(5)), random);
        var values = GradientChecker.RandomValues(random, Offsets[sequences] * inputSize);
        var output = new float[sequences * layer.OutputSize];
        var state = new AttentionPoolingState();

        layer.Forward(values, Offsets, sequences, output, state);

        for (var s = 0; s < sequences; s++)
        {
            for (var k = 0; k < heads; k++)
            {
                var sum = 0.0;
                var expected = new double[inputSize];
                for (var t = Offsets[s]; t < Offsets[s + 1]; t++)
                {
                    var weight = state.Weights[(t * heads) + k];
                    Assert.InRange(weight, 0f, 1f);
                    sum += weight;
                    for (var d = 0; d < inputSize; d++)
                    {
                        expected[d] += weight * values[(t * inputSize) + d];
                    }
                }

                Assert.Equal(1.0, sum, 5);
                for (var d = 0; d < inputSize; d++)
                {
                    Assert.Equal(expected[d], output[(s * layer.OutputSize) + (k * inputSize) + d], 4);
                }
            }
        }

        // A one-position sequence is that position, whatever the scores.
        Assert.Equal(values.AsSpan(3 * inputSize, inputSize).ToArray(), output.AsSpan(1 * layer.OutputSize, inputSize).ToArray());
    }

    [Fact]
    public void Forward_SequenceAloneOrInABatch_GivesIdenticalOutput_AndIgnoresRowsBeyondTheBatch()
    {
        const int inputSize = 16, sequences = 4;
        var random = new Random(40);
        var layer = AttentionPoolingLayer.CreateRandom(inputSize, 2, AttentionScoring.Additive, 12, new SeededRandom(6));
        var positions = Offsets[sequences];
        // Extra rows after the last sequence stand in for padding: they must not matter.
        var values = GradientChecker.RandomValues(random, (positions + 7) * inputSize);
        var batched = new float[sequences * layer.OutputSize];
        layer.Forward(values, Offsets, sequences, batched, new AttentionPoolingState());

        for (var s = 0; s < sequences; s++)
        {
            var length = Offsets[s + 1] - Offsets[s];
            var alone = values.AsSpan(Offsets[s] * inputSize, length * inputSize).ToArray();
            var output = new float[layer.OutputSize];
            layer.Forward(alone, [0, length], 1, output, new AttentionPoolingState());
            Assert.Equal(batched.AsSpan(s * layer.OutputSize, layer.OutputSize).ToArray(), output);
        }
    }

    [Fact]
    public void Forward_EmptySequence_Throws()
    {
        var layer = AttentionPoolingLayer.CreateRandom(4, 1, AttentionScoring.DotProduct, 0, new SeededRandom(7));

        Assert.Throws<ArgumentException>(() => layer.Forward(new float[8], [0, 2, 2], 2, new float[8], new AttentionPoolingState()));
    }

    [Fact]
    public void Clone_CopiesWeights_AndIsIndependent()
    {
        var layer = AttentionPoolingLayer.CreateRandom(4, 2, AttentionScoring.Additive, 3, new SeededRandom(8));

        var clone = layer.Clone();
        clone.ScoreWeights.Value[0] += 1f;

        Assert.Equal(layer.Parameters.Count, clone.Parameters.Count);
        Assert.Equal(layer.Projection!.Value, clone.Projection!.Value);
        Assert.NotEqual(layer.ScoreWeights.Value[0], clone.ScoreWeights.Value[0]);
    }

    /// <summary>Larger score weights and non-zero biases than at initialisation, so attention is far from uniform.</summary>
    private static AttentionPoolingLayer Scaled(AttentionPoolingLayer layer, Random random)
    {
        for (var i = 0; i < layer.ScoreWeights.Length; i++)
        {
            layer.ScoreWeights.Value[i] *= 3f;
        }

        if (layer.ProjectionBias is { } bias)
        {
            for (var i = 0; i < bias.Length; i++)
            {
                bias.Value[i] = (float)(random.NextDouble() - 0.5);
            }
        }

        return layer;
    }
}
