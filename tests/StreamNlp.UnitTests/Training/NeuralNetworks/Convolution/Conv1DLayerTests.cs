using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Convolution;

namespace StreamNlp.UnitTests.Training.NeuralNetworks.Convolution;

/// <summary>
/// <see cref="Conv1DLayer"/> against a direct padded-batch convolution and central finite differences, on stacked
/// sequences of different lengths (windows must stop at each sequence's own end, not the batch's longest).
/// </summary>
public sealed class Conv1DLayerTests
{
    private const int Inputs = 3, Outputs = 4;
    private static readonly int[] Lengths = [6, 3, 1, 4];

    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 1)]
    [InlineData(1, 1)]
    public void Forward_EqualsZeroPaddedConvolutionOfEachSequence(int kernel, int dilation)
    {
        var random = new Random(kernel * 10 + dilation);
        var layer = RandomLayer(random, kernel, dilation);
        var rows = Lengths.Sum();
        var input = GradientChecker.RandomValues(random, rows * Inputs);
        var positions = SequencePositions.All(SyntheticSequences.Offsets(Lengths));
        var windows = new float[rows * layer.WindowSize];
        var output = new float[rows * Outputs];

        layer.GatherWindows(input, positions, windows);
        layer.Forward(windows, rows, output);

        var expected = Reference(layer, input, Lengths);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - output[i]) <= 1e-5, $"Output {i}: {output[i]} but direct convolution gives {expected[i]}.");
        }
    }

    [Fact]
    public void Apply_OneSequence_EqualsStackedBatchRows()
    {
        var random = new Random(7);
        var layer = RandomLayer(random, 3, 2);
        var rows = Lengths.Sum();
        var input = GradientChecker.RandomValues(random, rows * Inputs);
        var batch = Reference(layer, input, Lengths);

        // Sequence 1 (3 positions) starts at row 6: alone it must give the same rows as inside the batch.
        var alone = layer.Apply(input.AsSpan(6 * Inputs, 3 * Inputs), 3);

        for (var i = 0; i < alone.Length; i++)
        {
            Assert.Equal(batch[(6 * Outputs) + i], alone[i], 5);
        }
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 1)]
    public void Backward_WeightBiasAndInputGradients_MatchFiniteDifferences(int kernel, int dilation)
    {
        var random = new Random(100 + (kernel * 10) + dilation);
        var layer = RandomLayer(random, kernel, dilation);
        var rows = Lengths.Sum();
        var input = GradientChecker.RandomValues(random, rows * Inputs);
        var outputWeights = GradientChecker.RandomValues(random, rows * Outputs);
        var positions = SequencePositions.All(SyntheticSequences.Offsets(Lengths));
        var windows = new float[rows * layer.WindowSize];
        var output = new float[rows * Outputs];

        double Loss()
        {
            layer.GatherWindows(input, positions, windows);
            layer.Forward(windows, rows, output);
            return GradientChecker.WeightedSum(output, outputWeights, output.Length);
        }

        Loss();
        var windowGradient = new float[rows * layer.WindowSize];
        layer.Backward(windows, outputWeights, rows, windowGradient);
        var inputGradient = new float[rows * Inputs];
        layer.ScatterWindows(windowGradient, positions, inputGradient);

        GradientChecker.Check("weights", layer.Weights.Value, layer.Weights.Gradient, Loss);
        GradientChecker.Check("bias", layer.Bias.Value, layer.Bias.Gradient, Loss);
        GradientChecker.Check("input", input, inputGradient, Loss);
    }

    [Fact]
    public void Backward_SubsetOfRows_InputGradientMatchesFiniteDifferences()
    {
        // The trainer evaluates the top layer only at labelled rows; the scattered gradient must still be exact.
        var random = new Random(11);
        var layer = RandomLayer(random, 3, 1);
        var rows = Lengths.Sum();
        var offsets = SyntheticSequences.Offsets(Lengths);
        var positions = new SequencePositions();
        positions.Add(0, 0, 6);
        positions.Add(5, 0, 6);
        positions.Add(7, 6, 9);
        positions.Add(9, 9, 10);
        positions.Add(12, 10, 14);
        Assert.Equal(rows, offsets[^1]);
        var input = GradientChecker.RandomValues(random, rows * Inputs);
        var outputWeights = GradientChecker.RandomValues(random, positions.Count * Outputs);
        var windows = new float[positions.Count * layer.WindowSize];
        var output = new float[positions.Count * Outputs];

        double Loss()
        {
            layer.GatherWindows(input, positions, windows);
            layer.Forward(windows, positions.Count, output);
            return GradientChecker.WeightedSum(output, outputWeights, output.Length);
        }

        Loss();
        var windowGradient = new float[positions.Count * layer.WindowSize];
        layer.Backward(windows, outputWeights, positions.Count, windowGradient);
        var inputGradient = new float[rows * Inputs];
        layer.ScatterWindows(windowGradient, positions, inputGradient);

        GradientChecker.Check("weights", layer.Weights.Value, layer.Weights.Gradient, Loss);
        GradientChecker.Check("input", input, inputGradient, Loss);
    }

    [Fact]
    public void GatherWindows_TapsOutsideTheSequence_ReadZero()
    {
        // One input channel, kernel 3: the window of the last row of sequence [0, 2) must not read row 2.
        var layer = new Conv1DLayer(1, 1, 3, 1, [1f, 1f, 1f], [0f]);
        float[] input = [1f, 2f, 100f, 200f];
        var positions = SequencePositions.All([0, 2, 4]);
        var windows = new float[4 * 3];

        layer.GatherWindows(input, positions, windows);

        Assert.Equal([0f, 1f, 2f, 1f, 2f, 0f, 0f, 100f, 200f, 100f, 200f, 0f], windows);
    }

    [Fact]
    public void Constructor_EvenKernelOrWrongWeightCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Conv1DLayer(2, 2, 4, 1, new float[16], new float[2]));
        Assert.Throws<ArgumentException>(() => new Conv1DLayer(2, 2, 3, 1, new float[11], new float[2]));
        Assert.Throws<ArgumentException>(() => new Conv1DLayer(2, 2, 3, 1, new float[12], new float[3]));
    }

    [Fact]
    public void Clone_CopiesWeights_IndependentOfOriginal()
    {
        var layer = Conv1DLayer.CreateRandom(3, 2, 3, 2, new SeededRandom(1));
        var clone = layer.Clone();

        layer.Weights.Value[0] += 1f;

        Assert.Equal(layer.Weights.Value[1..], clone.Weights.Value[1..]);
        Assert.NotEqual(layer.Weights.Value[0], clone.Weights.Value[0]);
        Assert.Equal((3, 2), (clone.KernelSize, clone.Dilation));
    }

    private static Conv1DLayer RandomLayer(Random random, int kernel, int dilation) => new(
        Inputs, Outputs, kernel, dilation, GradientChecker.RandomValues(random, Outputs * kernel * Inputs), GradientChecker.RandomValues(random, Outputs));

    /// <summary>Pads the sequences to the longest with zeros and convolves each in the textbook way.</summary>
    private static float[] Reference(Conv1DLayer layer, float[] input, int[] lengths)
    {
        var maxLength = lengths.Max();
        var offsets = SyntheticSequences.Offsets(lengths);
        var result = new float[offsets[^1] * layer.OutputChannels];
        for (var s = 0; s < lengths.Length; s++)
        {
            var padded = new double[maxLength, layer.InputChannels];
            for (var t = 0; t < lengths[s]; t++)
            {
                for (var i = 0; i < layer.InputChannels; i++)
                {
                    padded[t, i] = input[((offsets[s] + t) * layer.InputChannels) + i];
                }
            }

            for (var t = 0; t < lengths[s]; t++)
            {
                for (var o = 0; o < layer.OutputChannels; o++)
                {
                    double sum = layer.Bias.Value[o];
                    for (var j = 0; j < layer.KernelSize; j++)
                    {
                        var source = t + (j * layer.Dilation) - layer.Padding;
                        if (source < 0 || source >= maxLength)
                        {
                            continue;
                        }

                        for (var i = 0; i < layer.InputChannels; i++)
                        {
                            sum += layer.Weights.Value[(((o * layer.KernelSize) + j) * layer.InputChannels) + i] * padded[source, i];
                        }
                    }

                    result[((offsets[s] + t) * layer.OutputChannels) + o] = (float)sum;
                }
            }
        }

        return result;
    }
}
