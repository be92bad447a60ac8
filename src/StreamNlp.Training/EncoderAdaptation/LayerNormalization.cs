using System.Numerics.Tensors;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>
/// Layer normalisation over the last axis, as BERT's exported graph computes it (<c>ReduceMean</c>, <c>Pow 2</c>,
/// <c>ReduceMean</c>, <c>+ ε</c>, <c>Sqrt</c>, <c>Div</c>, then scale and bias): <c>y = γ·(x − μ)/√(σ² + ε) + β</c>.
/// </summary>
public sealed class LayerNormalization
{
    public LayerNormalization(float[] scale, float[] bias, float epsilon, string name)
    {
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(bias);
        if (scale.Length != bias.Length)
        {
            throw new ArgumentException($"Scale ({scale.Length}) and bias ({bias.Length}) differ in length.", nameof(bias));
        }

        Scale = new Parameter(name + ".weight", scale, applyWeightDecay: false);
        Bias = new Parameter(name + ".bias", bias, applyWeightDecay: false);
        Epsilon = epsilon;
    }

    public Parameter Scale { get; }

    public Parameter Bias { get; }

    public float Epsilon { get; }

    public int Width => Scale.Length;

    /// <summary>
    /// Normalises <paramref name="rows"/> rows of <paramref name="input"/> into <paramref name="output"/>, keeping the
    /// normalised values <paramref name="normalized"/> and each row's <c>1/√(σ² + ε)</c> for the backward pass.
    /// </summary>
    public void Forward(float[] input, float[] output, float[] normalized, float[] inverseDeviation, int rows)
    {
        var width = Width;
        var scale = Scale.Value;
        var bias = Bias.Value;
        ParallelRows.For(rows, 4L * width, row =>
        {
            var x = new ReadOnlySpan<float>(input, row * width, width);
            var n = new Span<float>(normalized, row * width, width);
            var mean = TensorPrimitives.Sum(x) / width;
            TensorPrimitives.Subtract(x, mean, n);
            var variance = TensorPrimitives.SumOfSquares(n) / width;
            var inverse = 1f / MathF.Sqrt(variance + Epsilon);
            inverseDeviation[row] = inverse;
            TensorPrimitives.Multiply(n, inverse, n);
            var y = new Span<float>(output, row * width, width);
            TensorPrimitives.MultiplyAdd(n, scale, bias, y);
        });
    }

    /// <summary>
    /// Accumulates the scale and bias gradients and writes the input gradient
    /// <c>dx = r·(dx̂ − mean(dx̂) − x̂·mean(dx̂ ⊙ x̂))</c> with <c>dx̂ = dy ⊙ γ</c>.
    /// </summary>
    public void Backward(float[] normalized, float[] inverseDeviation, float[] outputGradient, float[] inputGradient, int rows)
    {
        var width = Width;
        var scale = Scale.Value;
        var scaleGradient = Scale.Gradient;
        var biasGradient = Bias.Gradient;
        for (var row = 0; row < rows; row++)
        {
            var dy = new ReadOnlySpan<float>(outputGradient, row * width, width);
            var n = new ReadOnlySpan<float>(normalized, row * width, width);
            TensorPrimitives.Add(biasGradient, dy, biasGradient);
            TensorPrimitives.MultiplyAdd(dy, n, scaleGradient, scaleGradient);
        }

        ParallelRows.For(rows, 6L * width, row =>
        {
            var dy = new ReadOnlySpan<float>(outputGradient, row * width, width);
            var n = new ReadOnlySpan<float>(normalized, row * width, width);
            var dx = new Span<float>(inputGradient, row * width, width);
            TensorPrimitives.Multiply(dy, scale, dx);
            var meanGradient = TensorPrimitives.Sum(dx) / width;
            var meanProjection = TensorPrimitives.Dot(dx, n) / width;
            var inverse = inverseDeviation[row];
            for (var i = 0; i < width; i++)
            {
                dx[i] = inverse * (dx[i] - meanGradient - (n[i] * meanProjection));
            }
        });
    }
}
