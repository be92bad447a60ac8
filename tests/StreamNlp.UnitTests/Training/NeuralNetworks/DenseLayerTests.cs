using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.UnitTests.Training.NeuralNetworks;

/// <summary>The blocked, parallel kernels of <see cref="DenseLayer"/> against a plain double-precision reference.</summary>
public sealed class DenseLayerTests
{
    [Theory]
    [InlineData(1, 3, 2)]
    [InlineData(4, 16, 4)]
    [InlineData(7, 389, 9)]
    [InlineData(64, 384, 256)]
    public void ForwardAndBackward_MatchReference(int rows, int inputs, int outputs)
    {
        var random = new Random(rows + inputs + outputs);
        var weights = GradientChecker.RandomValues(random, inputs * outputs);
        var bias = GradientChecker.RandomValues(random, outputs);
        var layer = new DenseLayer(inputs, outputs, weights, bias);
        var input = GradientChecker.RandomValues(random, rows * inputs);
        var outputGradient = GradientChecker.RandomValues(random, rows * outputs);
        var output = new float[rows * outputs];
        var inputGradient = new float[rows * inputs];
        layer.Weights.Gradient.AsSpan().Fill(0.5f); // gradients accumulate onto what is there

        layer.Forward(input, output, rows, training: true);
        layer.Backward(input, output, outputGradient, inputGradient, rows);

        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < outputs; o++)
            {
                double expected = bias[o];
                for (var k = 0; k < inputs; k++)
                {
                    expected += (double)input[(r * inputs) + k] * weights[(o * inputs) + k];
                }

                AssertClose(expected, output[(r * outputs) + o], $"output[{r},{o}]");
            }

            for (var k = 0; k < inputs; k++)
            {
                double expected = 0;
                for (var o = 0; o < outputs; o++)
                {
                    expected += (double)outputGradient[(r * outputs) + o] * weights[(o * inputs) + k];
                }

                AssertClose(expected, inputGradient[(r * inputs) + k], $"inputGradient[{r},{k}]");
            }
        }

        for (var o = 0; o < outputs; o++)
        {
            double expectedBias = 0;
            for (var r = 0; r < rows; r++)
            {
                expectedBias += outputGradient[(r * outputs) + o];
            }

            AssertClose(expectedBias, layer.Bias.Gradient[o], $"biasGradient[{o}]");
            for (var k = 0; k < inputs; k++)
            {
                double expected = 0.5;
                for (var r = 0; r < rows; r++)
                {
                    expected += (double)outputGradient[(r * outputs) + o] * input[(r * inputs) + k];
                }

                AssertClose(expected, layer.Weights.Gradient[(o * inputs) + k], $"weightGradient[{o},{k}]");
            }
        }
    }

    [Fact]
    public void CreateRandom_IsSeededAndBounded()
    {
        var a = DenseLayer.CreateRandom(100, 10, reluFollows: true, new SeededRandom(1));
        var b = DenseLayer.CreateRandom(100, 10, reluFollows: true, new SeededRandom(1));
        var bound = MathF.Sqrt(6f / 100);

        Assert.Equal(a.Weights.Value, b.Weights.Value);
        Assert.All(a.Weights.Value, w => Assert.InRange(w, -bound, bound));
        Assert.All(a.Bias.Value, v => Assert.Equal(0f, v));
        Assert.True(a.Weights.ApplyWeightDecay);
        Assert.False(a.Bias.ApplyWeightDecay);
    }

    [Fact]
    public void Constructor_WrongSizes_Throw()
    {
        Assert.Throws<ArgumentException>(() => new DenseLayer(3, 2, new float[5], new float[2]));
        Assert.Throws<ArgumentException>(() => new DenseLayer(3, 2, new float[6], new float[3]));
    }

    private static void AssertClose(double expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-4 + (1e-5 * Math.Abs(expected)), $"{what}: expected {expected}, got {actual}.");
}
