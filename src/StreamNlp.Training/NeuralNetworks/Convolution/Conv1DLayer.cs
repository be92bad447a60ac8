using System.Numerics.Tensors;

namespace StreamNlp.Training.NeuralNetworks.Convolution;

/// <summary>
/// A 1-D convolution over the position axis of stacked sequences with 'same' zero padding:
/// <c>y[t, o] = b[o] + Σ_j Σ_i W[o, j, i] · x[t + j·d − p, i]</c> with <c>p = d·(k − 1) / 2</c>, where positions
/// outside the row's own sequence read zero, so a sequence's output never depends on what lies beyond its length.
/// It is computed as a matrix product over gathered windows (im2col): <see cref="GatherWindows"/> lays out each
/// evaluated row's <c>k × inputs</c> window, then <see cref="Forward"/> multiplies by the weights (stored
/// row-major as <c>OutputChannels × KernelSize × InputChannels</c>) with <see cref="MatrixKernels"/>, which is
/// parallel and deterministic. Forward passes are stateless; <see cref="Backward"/> reuses a scratch buffer and
/// is not thread-safe.
/// </summary>
public sealed class Conv1DLayer
{
    private readonly string name;
    private float[] transposedWeights = [];
    private float[] zeroBias = [];

    /// <summary>A layer with the given weights (<c>outputs × kernel × inputs</c>, row-major) and bias; arrays are kept.</summary>
    public Conv1DLayer(int inputChannels, int outputChannels, int kernelSize, int dilation, float[] weights, float[] bias, string name = "conv")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dilation);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        if (kernelSize % 2 == 0)
        {
            throw new ArgumentException($"The kernel size must be odd for symmetric 'same' padding, got {kernelSize}.", nameof(kernelSize));
        }

        if (weights.Length != outputChannels * kernelSize * inputChannels)
        {
            throw new ArgumentException(
                $"Expected {outputChannels} × {kernelSize} × {inputChannels} weights, got {weights.Length}.", nameof(weights));
        }

        if (bias.Length != outputChannels)
        {
            throw new ArgumentException($"Expected {outputChannels} biases, got {bias.Length}.", nameof(bias));
        }

        this.name = name;
        InputChannels = inputChannels;
        OutputChannels = outputChannels;
        KernelSize = kernelSize;
        Dilation = dilation;
        Weights = new Parameter(name + ".weight", weights, applyWeightDecay: true);
        Bias = new Parameter(name + ".bias", bias, applyWeightDecay: false);
        Parameters = [Weights, Bias];
    }

    public int InputChannels { get; }

    public int OutputChannels { get; }

    /// <summary>Taps of the kernel (odd).</summary>
    public int KernelSize { get; }

    /// <summary>Distance between taps, in positions.</summary>
    public int Dilation { get; }

    /// <summary>Zero positions added on each side: <c>Dilation · (KernelSize − 1) / 2</c>.</summary>
    public int Padding => Dilation * (KernelSize - 1) / 2;

    /// <summary>Length of one gathered window row: <c>KernelSize · InputChannels</c>.</summary>
    public int WindowSize => KernelSize * InputChannels;

    /// <summary>Weights, <c>OutputChannels × KernelSize × InputChannels</c> row-major.</summary>
    public Parameter Weights { get; }

    public Parameter Bias { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// A layer with random weights uniform in ±√(6 / (kernel · inputs)) (He, for a following ReLU); biases zero.
    /// </summary>
    public static Conv1DLayer CreateRandom(int inputChannels, int outputChannels, int kernelSize, int dilation, SeededRandom random, string name = "conv")
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        var bound = MathF.Sqrt(6f / (kernelSize * inputChannels));
        var weights = new float[outputChannels * kernelSize * inputChannels];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = random.NextSymmetric(bound);
        }

        return new Conv1DLayer(inputChannels, outputChannels, kernelSize, dilation, weights, new float[outputChannels], name);
    }

    /// <summary>
    /// Writes, for each entry of <paramref name="positions"/>, its window
    /// <c>windows[r, j·inputs + i] = input[row + j·d − p, i]</c> (zero where that row is outside the entry's sequence).
    /// </summary>
    /// <param name="input">Stacked rows, <see cref="InputChannels"/> wide.</param>
    /// <param name="positions">The rows to evaluate.</param>
    /// <param name="windows">At least <c>positions.Count × WindowSize</c> values.</param>
    public void GatherWindows(ReadOnlySpan<float> input, SequencePositions positions, Span<float> windows)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var inputs = InputChannels;
        for (var r = 0; r < positions.Count; r++)
        {
            int start = positions.Start(r), end = positions.End(r), first = positions.Row(r) - Padding;
            var window = windows.Slice(r * WindowSize, WindowSize);
            for (var j = 0; j < KernelSize; j++)
            {
                var source = first + (j * Dilation);
                var destination = window.Slice(j * inputs, inputs);
                if (source >= start && source < end)
                {
                    input.Slice(source * inputs, inputs).CopyTo(destination);
                }
                else
                {
                    destination.Clear();
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="GatherWindows"/>: adds each window row's gradient back onto the input rows it was
    /// read from (taps outside the sequence are dropped). <paramref name="inputGradient"/> is added to, not cleared.
    /// </summary>
    public void ScatterWindows(ReadOnlySpan<float> windowGradient, SequencePositions positions, Span<float> inputGradient)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var inputs = InputChannels;
        for (var r = 0; r < positions.Count; r++)
        {
            int start = positions.Start(r), end = positions.End(r), first = positions.Row(r) - Padding;
            var window = windowGradient.Slice(r * WindowSize, WindowSize);
            for (var j = 0; j < KernelSize; j++)
            {
                var target = first + (j * Dilation);
                if (target >= start && target < end)
                {
                    var destination = inputGradient.Slice(target * inputs, inputs);
                    TensorPrimitives.Add(destination, window.Slice(j * inputs, inputs), destination);
                }
            }
        }
    }

    /// <summary><c>output[r, o] = b[o] + dot(windows[r, :], W[o, :, :])</c> for <paramref name="rows"/> gathered windows.</summary>
    public void Forward(float[] windows, int rows, float[] output) =>
        MatrixKernels.MultiplyTransposedAddBias(windows, rows, Weights.Value, OutputChannels, WindowSize, Bias.Value, output);

    /// <summary>
    /// Adds the weight and bias gradients of <paramref name="rows"/> evaluated rows, given the loss gradient with
    /// respect to their outputs; when <paramref name="windowGradient"/> is given, writes the gradient with respect
    /// to the gathered windows there (<c>rows × WindowSize</c>; pass it to <see cref="ScatterWindows"/>).
    /// </summary>
    public void Backward(float[] windows, float[] outputGradient, int rows, float[]? windowGradient)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(outputGradient);
        var outputs = OutputChannels;
        var biasGradient = Bias.Gradient;
        for (var r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(biasGradient, new ReadOnlySpan<float>(outputGradient, r * outputs, outputs), biasGradient);
        }

        // dL/dW[o, :] += Σ_r dL/dy[r, o] · window[r, :]; each output row of W is owned by one thread.
        MatrixKernels.AccumulateOuterProducts(outputGradient, windows, rows, outputs, WindowSize, Weights.Gradient);
        if (windowGradient is null)
        {
            return;
        }

        // dL/dwindow[r, :] = Σ_o dL/dy[r, o] · W[o, :] = dL/dy · W, computed against Wᵀ so every element is one dot product.
        var size = WindowSize;
        if (transposedWeights.Length != outputs * size)
        {
            transposedWeights = new float[outputs * size];
            zeroBias = new float[size];
        }

        var weights = Weights.Value;
        for (var o = 0; o < outputs; o++)
        {
            for (var k = 0; k < size; k++)
            {
                transposedWeights[(k * outputs) + o] = weights[(o * size) + k];
            }
        }

        MatrixKernels.MultiplyTransposedAddBias(outputGradient, rows, transposedWeights, size, outputs, zeroBias, windowGradient);
    }

    /// <summary>
    /// Convolves one sequence of <paramref name="length"/> positions (rows of <see cref="InputChannels"/>) and
    /// returns <c>length × OutputChannels</c> outputs (no activation).
    /// </summary>
    public float[] Apply(ReadOnlySpan<float> input, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (input.Length < length * InputChannels)
        {
            throw new ArgumentException($"Expected {length} × {InputChannels} inputs, got {input.Length}.", nameof(input));
        }

        var positions = new SequencePositions();
        positions.AddSequence(0, length);
        var windows = new float[Math.Max(1, length * WindowSize)];
        GatherWindows(input, positions, windows);
        var output = new float[length * OutputChannels];
        Forward(windows, length, output);
        return output;
    }

    public Conv1DLayer Clone() => new(
        InputChannels, OutputChannels, KernelSize, Dilation, (float[])Weights.Value.Clone(), (float[])Bias.Value.Clone(), name);
}
