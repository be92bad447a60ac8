using System.Numerics.Tensors;

namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// A fully connected (linear) layer <c>y = W·x + b</c>, with <c>W</c> stored row-major as
/// <c>OutputSize × InputSize</c> (row <c>o</c> holds the weights of output <c>o</c>).
/// </summary>
public sealed class DenseLayer : ILayer
{
    private readonly string name;

    /// <summary>A layer with the given weights (<c>outputSize × inputSize</c>, row-major) and bias; arrays are kept.</summary>
    public DenseLayer(int inputSize, int outputSize, float[] weights, float[] bias, string name = "dense")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        if (weights.Length != inputSize * outputSize)
        {
            throw new ArgumentException($"Expected {outputSize} × {inputSize} weights, got {weights.Length}.", nameof(weights));
        }

        if (bias.Length != outputSize)
        {
            throw new ArgumentException($"Expected {outputSize} biases, got {bias.Length}.", nameof(bias));
        }

        this.name = name;
        InputSize = inputSize;
        OutputSize = outputSize;
        Weights = new Parameter(name + ".weight", weights, applyWeightDecay: true);
        Bias = new Parameter(name + ".bias", bias, applyWeightDecay: false);
        Parameters = [Weights, Bias];
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    /// <summary>Weights, <c>OutputSize × InputSize</c> row-major.</summary>
    public Parameter Weights { get; }

    public Parameter Bias { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// A layer with random weights, uniform in ±√(6 / inputSize) (He) when a ReLU follows, else ±√(6 / (in + out))
    /// (Glorot); biases zero.
    /// </summary>
    public static DenseLayer CreateRandom(int inputSize, int outputSize, bool reluFollows, SeededRandom random, string name = "dense")
    {
        ArgumentNullException.ThrowIfNull(random);
        var bound = reluFollows ? MathF.Sqrt(6f / inputSize) : MathF.Sqrt(6f / (inputSize + outputSize));
        var weights = new float[inputSize * outputSize];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = random.NextSymmetric(bound);
        }

        return new DenseLayer(inputSize, outputSize, weights, new float[outputSize], name);
    }

    public void Forward(float[] input, float[] output, int rows, bool training) =>
        MatrixKernels.MultiplyTransposedAddBias(input, rows, Weights.Value, OutputSize, InputSize, Bias.Value, output);

    public void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int rows)
    {
        var weights = Weights.Value;
        var weightGradient = Weights.Gradient;
        var biasGradient = Bias.Gradient;
        int inputSize = InputSize, outputSize = OutputSize;

        for (var row = 0; row < rows; row++)
        {
            TensorPrimitives.Add(biasGradient, new ReadOnlySpan<float>(outputGradient, row * outputSize, outputSize), biasGradient);
        }

        // dL/dW[o, :] += Σ_rows dL/dy[row, o] · x[row, :]; each row of W is owned by one thread.
        MatrixKernels.AccumulateOuterProducts(outputGradient, input, rows, outputSize, inputSize, weightGradient);

        if (inputGradient is null)
        {
            return;
        }

        // dL/dx[row, :] = Σ_o dL/dy[row, o] · W[o, :]
        ParallelRows.For(rows, (long)inputSize * outputSize, row =>
        {
            var gradientRow = new Span<float>(inputGradient, row * inputSize, inputSize);
            gradientRow.Clear();
            for (var o = 0; o < outputSize; o++)
            {
                var g = outputGradient[(row * outputSize) + o];
                if (g != 0f)
                {
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(weights, o * inputSize, inputSize), g, gradientRow, gradientRow);
                }
            }
        });
    }

    public ILayer Clone() => new DenseLayer(
        InputSize, OutputSize, (float[])Weights.Value.Clone(), (float[])Bias.Value.Clone(), name);
}
