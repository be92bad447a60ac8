using System.Numerics.Tensors;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Training.NeuralNetworks.Convolution;

/// <summary>
/// A token head that reads neighbouring positions: the input of each position is its encoder state followed
/// by its shape features; one or more <see cref="Conv1DLayer"/>s, each followed by a ReLU (dropout only while
/// training), run over the positions of a sequence, and a linear layer with softmax gives per-position tag
/// probabilities. Positions beyond a sequence's length read as zero.
/// </summary>
public sealed class ConvolutionalTokenHead : ITrainableModel<ConvolutionalTokenHead>
{
    /// <summary>Sequences per chunk when predicting a whole data set.</summary>
    private const int PredictionChunk = 64;

    private readonly Conv1DLayer[] convolutions;

    /// <exception cref="ArgumentException">The layers do not chain: the first must take <c>hidden + features</c>
    /// channels, each next one the previous one's outputs, and the output layer the last one's.</exception>
    public ConvolutionalTokenHead(int hiddenSize, int featureCount, IReadOnlyList<Conv1DLayer> convolutions, DenseLayer output)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentOutOfRangeException.ThrowIfNegative(featureCount);
        ArgumentNullException.ThrowIfNull(convolutions);
        ArgumentNullException.ThrowIfNull(output);
        if (convolutions.Count == 0)
        {
            throw new ArgumentException("The head needs at least one convolution layer.", nameof(convolutions));
        }

        var width = hiddenSize + featureCount;
        foreach (var layer in convolutions)
        {
            if (layer.InputChannels != width)
            {
                throw new ArgumentException($"A convolution takes {layer.InputChannels} channels where {width} arrive.", nameof(convolutions));
            }

            width = layer.OutputChannels;
        }

        if (output.InputSize != width)
        {
            throw new ArgumentException($"The output layer takes {output.InputSize} inputs where {width} arrive.", nameof(output));
        }

        HiddenSize = hiddenSize;
        FeatureCount = featureCount;
        this.convolutions = [.. convolutions];
        Output = output;
        Parameters = [.. this.convolutions.SelectMany(c => c.Parameters), .. output.Parameters];
    }

    /// <summary>Width of the encoder states.</summary>
    public int HiddenSize { get; }

    /// <summary>Shape features per position, after the encoder state.</summary>
    public int FeatureCount { get; }

    /// <summary><c>HiddenSize + FeatureCount</c>: the channels the first convolution reads.</summary>
    public int InputSize => HiddenSize + FeatureCount;

    public int TagCount => Output.OutputSize;

    /// <summary>The convolution layers, bottom first.</summary>
    public IReadOnlyList<Conv1DLayer> Convolutions => convolutions;

    /// <summary>The final linear layer (per position, channels → tags).</summary>
    public DenseLayer Output { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>A head with random weights (He for the convolutions, Glorot for the output; zero biases).</summary>
    public static ConvolutionalTokenHead Create(
        int hiddenSize, int featureCount, int tagCount, IReadOnlyList<int> kernelSizes, IReadOnlyList<int> dilations, int channels, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(kernelSizes);
        ArgumentNullException.ThrowIfNull(dilations);
        ArgumentNullException.ThrowIfNull(random);
        if (dilations.Count != 0 && dilations.Count != kernelSizes.Count)
        {
            throw new ArgumentException("Give one dilation per kernel size, or none.", nameof(dilations));
        }

        var layers = new Conv1DLayer[kernelSizes.Count];
        var width = hiddenSize + featureCount;
        for (var i = 0; i < layers.Length; i++)
        {
            var dilation = dilations.Count == 0 ? 1 : dilations[i];
            layers[i] = Conv1DLayer.CreateRandom(width, channels, kernelSizes[i], dilation, random.Fork(), $"conv{i}");
            width = channels;
        }

        var output = DenseLayer.CreateRandom(width, tagCount, reluFollows: false, random.Fork(), "output");
        return new ConvolutionalTokenHead(hiddenSize, featureCount, layers, output);
    }

    /// <summary>
    /// Tag probabilities of every position of one sequence: <paramref name="states"/> is <c>length × HiddenSize</c>,
    /// <paramref name="shape"/> <c>length × FeatureCount</c>; returns <c>length × TagCount</c>, row-major.
    /// </summary>
    public float[] PredictProbabilities(ReadOnlySpan<float> states, ReadOnlySpan<float> shape, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (states.Length < length * HiddenSize || shape.Length < length * FeatureCount)
        {
            throw new ArgumentException($"Expected {length} × {HiddenSize} states and {length} × {FeatureCount} shape features.");
        }

        if (length == 0)
        {
            return [];
        }

        var input = new float[length * InputSize];
        WriteInputs(states, shape, length, input);
        return PredictStacked(input, [0, length]);
    }

    /// <summary>
    /// Tag probabilities of every position of every text of <paramref name="states"/>
    /// (<c>PositionCount × TagCount</c>, in the rows of <see cref="TokenStates.States"/>).
    /// </summary>
    public float[] PredictProbabilities(TokenStates states)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.HiddenSize != HiddenSize)
        {
            throw new ArgumentException($"The states are {states.HiddenSize} wide; the head takes {HiddenSize}.", nameof(states));
        }

        var result = new float[states.PositionCount * TagCount];
        var texts = states.Offsets.Length - 1;
        for (var first = 0; first < texts; first += PredictionChunk)
        {
            var count = Math.Min(PredictionChunk, texts - first);
            var start = states.Offsets[first];
            var rows = states.Offsets[first + count] - start;
            if (rows == 0)
            {
                continue;
            }

            var offsets = new int[count + 1];
            for (var i = 0; i <= count; i++)
            {
                offsets[i] = states.Offsets[first + i] - start;
            }

            var input = new float[rows * InputSize];
            WriteInputs(
                states.States.AsSpan(start * HiddenSize, rows * HiddenSize),
                states.Shape.AsSpan(start * FeatureCount, rows * FeatureCount),
                rows,
                input);
            PredictStacked(input, offsets).CopyTo(result.AsSpan(start * TagCount));
        }

        return result;
    }

    /// <summary>A short name of the architecture for manifests: <c>conv-k5-256</c>, <c>conv-k3-k3d2-256</c> (kernel, dilation when not 1, channels).</summary>
    public string Describe() =>
        "conv-" + string.Join("-", convolutions.Select(c => c.Dilation == 1 ? $"k{c.KernelSize}" : $"k{c.KernelSize}d{c.Dilation}"))
        + "-" + string.Join("x", convolutions.Select(c => c.OutputChannels).Distinct());

    /// <summary>A deep copy (same weights, zero gradients).</summary>
    public ConvolutionalTokenHead Clone() =>
        new(HiddenSize, FeatureCount, [.. convolutions.Select(c => c.Clone())], (DenseLayer)Output.Clone());

    /// <summary>Writes <c>rows</c> input rows: each state row followed by its shape-feature row.</summary>
    internal void WriteInputs(ReadOnlySpan<float> states, ReadOnlySpan<float> shape, int rows, Span<float> destination)
    {
        int hidden = HiddenSize, features = FeatureCount, width = InputSize;
        for (var r = 0; r < rows; r++)
        {
            var row = destination.Slice(r * width, width);
            states.Slice(r * hidden, hidden).CopyTo(row);
            shape.Slice(r * features, features).CopyTo(row[hidden..]);
        }
    }

    /// <summary>Probabilities of every row of sequences stacked in <paramref name="input"/> as <paramref name="offsets"/> lays them out.</summary>
    private float[] PredictStacked(float[] input, int[] offsets)
    {
        var rows = offsets[^1];
        var positions = SequencePositions.All(offsets);
        var current = input;
        foreach (var layer in convolutions)
        {
            var windows = new float[rows * layer.WindowSize];
            layer.GatherWindows(current, positions, windows);
            var output = new float[rows * layer.OutputChannels];
            layer.Forward(windows, rows, output);
            TensorPrimitives.Max(output, 0f, output);
            current = output;
        }

        var logits = new float[rows * TagCount];
        Output.Forward(current, logits, rows, training: false);
        var probabilities = new float[logits.Length];
        SoftmaxCrossEntropy.Softmax(logits, probabilities, rows, TagCount);
        return probabilities;
    }
}
