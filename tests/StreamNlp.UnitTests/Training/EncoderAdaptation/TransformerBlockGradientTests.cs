using StreamNlp.Training.EncoderAdaptation;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.UnitTests.Training.NeuralNetworks;

namespace StreamNlp.UnitTests.Training.EncoderAdaptation;

/// <summary>Analytic gradients of the managed transformer block and its parts against central finite differences.</summary>
public sealed class TransformerBlockGradientTests
{
    private const int Hidden = 8;
    private const int Heads = 2;
    private const int Intermediate = 12;
    private static readonly int[] Offsets = [0, 3, 7];

    [Fact]
    public void LayerNormalization_GradientsOfScaleBiasAndInput_MatchFiniteDifferences()
    {
        var random = new Random(1);
        const int rows = 3;
        var norm = new LayerNormalization(GradientChecker.RandomValues(random, Hidden), GradientChecker.RandomValues(random, Hidden), 1e-12f, "norm");
        var input = GradientChecker.RandomValues(random, rows * Hidden);
        var weights = GradientChecker.RandomValues(random, rows * Hidden);
        double Loss()
        {
            var output = new float[rows * Hidden];
            norm.Forward(input, output, new float[rows * Hidden], new float[rows], rows);
            return GradientChecker.WeightedSum(output, weights, output.Length);
        }

        var y = new float[rows * Hidden];
        var normalized = new float[rows * Hidden];
        var inverse = new float[rows];
        norm.Forward(input, y, normalized, inverse, rows);
        var inputGradient = new float[rows * Hidden];
        norm.Backward(normalized, inverse, weights, inputGradient, rows);

        GradientChecker.Check("scale", norm.Scale.Value, norm.Scale.Gradient, Loss);
        GradientChecker.Check("bias", norm.Bias.Value, norm.Bias.Gradient, Loss);
        GradientChecker.Check("input", input, inputGradient, Loss);
    }

    [Fact]
    public void Gelu_MatchesTheErfDefinition_AndItsDerivative()
    {
        float[] x = [-3f, -1f, -0.25f, 0f, 0.5f, 1f, 2.5f];
        var y = new float[x.Length];
        Gelu.Forward(x, y);
        Assert.Equal(0f, y[3]);
        Assert.Equal(0.8413447f, y[5], 5); // 1·Φ(1)
        Assert.Equal(-0.1586553f, y[1], 5); // −1·Φ(−1)
        Assert.Equal(0.8427008, Gelu.Erf(1.0), 6);
        Assert.Equal(-0.9953223, Gelu.Erf(-2.0), 6);

        var ones = Enumerable.Repeat(1f, x.Length).ToArray();
        var gradient = new float[x.Length];
        Gelu.Backward(x, ones, gradient);
        GradientChecker.Check("gelu", x, gradient, () =>
        {
            var output = new float[x.Length];
            Gelu.Forward(x, output);
            return output.Sum(v => (double)v);
        }, step: 1e-3f);
    }

    [Fact]
    public void Attention_GradientsOfQueryKeyValue_MatchFiniteDifferences_AndSequencesDoNotMix()
    {
        var random = new Random(2);
        var rows = Offsets[^1];
        var query = GradientChecker.RandomValues(random, rows * Hidden);
        var key = GradientChecker.RandomValues(random, rows * Hidden);
        var value = GradientChecker.RandomValues(random, rows * Hidden);
        var weights = GradientChecker.RandomValues(random, rows * Hidden);
        var probabilities = new float[MultiHeadSelfAttention.ProbabilityCount(Offsets, Heads)];
        double Loss()
        {
            var context = new float[rows * Hidden];
            MultiHeadSelfAttention.Forward(query, key, value, Offsets, Hidden, Heads, new float[probabilities.Length], context);
            return GradientChecker.WeightedSum(context, weights, context.Length);
        }

        var context = new float[rows * Hidden];
        MultiHeadSelfAttention.Forward(query, key, value, Offsets, Hidden, Heads, probabilities, context);
        var dq = new float[rows * Hidden];
        var dk = new float[rows * Hidden];
        var dv = new float[rows * Hidden];
        MultiHeadSelfAttention.Backward(query, key, value, Offsets, Hidden, Heads, probabilities, weights, dq, dk, dv);

        GradientChecker.Check("query", query, dq, Loss);
        GradientChecker.Check("key", key, dk, Loss);
        GradientChecker.Check("value", value, dv, Loss);

        // The first sequence's context does not depend on the second sequence's values.
        var before = context.AsSpan(0, Offsets[1] * Hidden).ToArray();
        value[(Offsets[1] * Hidden) + 1] += 5f;
        MultiHeadSelfAttention.Forward(query, key, value, Offsets, Hidden, Heads, probabilities, context);
        Assert.Equal(before, context.AsSpan(0, Offsets[1] * Hidden).ToArray());
    }

    [Fact]
    public void Block_GradientsOfEveryParameterAndTheInput_MatchFiniteDifferences()
    {
        var random = new Random(3);
        var block = TransformerBlock.CreateRandom(Hidden, Heads, Intermediate, new SeededRandom(7));
        var rows = Offsets[^1];
        var input = GradientChecker.RandomValues(random, rows * Hidden);
        var weights = GradientChecker.RandomValues(random, rows * Hidden);
        double Loss()
        {
            var output = block.Forward(input, Offsets).Output;
            return GradientChecker.WeightedSum(output, weights, output.Length);
        }

        var activations = block.Forward(input, Offsets);
        var inputGradient = new float[rows * Hidden];
        block.Backward(activations, weights, inputGradient);

        Assert.Equal(16, block.Parameters.Count);
        foreach (var parameter in block.Parameters)
        {
            Assert.Contains(parameter.Gradient, g => g != 0f);
            GradientChecker.Check(parameter.Name, parameter.Value, parameter.Gradient, Loss, step: 3e-3f, absolute: 2e-3, relative: 2e-2);
        }

        GradientChecker.Check("input", input, inputGradient, Loss, step: 3e-3f, absolute: 2e-3, relative: 2e-2);
    }

    [Fact]
    public void Block_BackwardWithoutInputGradient_AccumulatesTheSameParameterGradients()
    {
        var random = new Random(4);
        var block = TransformerBlock.CreateRandom(Hidden, Heads, Intermediate, new SeededRandom(8));
        var twin = block.Clone();
        var input = GradientChecker.RandomValues(random, Offsets[^1] * Hidden);
        var weights = GradientChecker.RandomValues(random, Offsets[^1] * Hidden);

        block.Backward(block.Forward(input, Offsets), weights, new float[input.Length]);
        twin.Backward(twin.Forward(input, Offsets), weights, null);

        for (var p = 0; p < block.Parameters.Count; p++)
        {
            Assert.Equal(block.Parameters[p].Gradient, twin.Parameters[p].Gradient);
        }
    }
}
