using System.Numerics;
using System.Numerics.Tensors;

namespace StreamNlp.Training.NeuralNetworks;

/// <summary>The rectifier <c>max(x, 0)</c>, element-wise; its gradient is taken as 0 at 0.</summary>
public sealed class ReluLayer(int size) : ILayer
{
    public int InputSize { get; } = size > 0 ? size : throw new ArgumentOutOfRangeException(nameof(size));

    public int OutputSize => InputSize;

    public IReadOnlyList<Parameter> Parameters => [];

    public void Forward(float[] input, float[] output, int rows, bool training)
    {
        var length = rows * InputSize;
        TensorPrimitives.Max(new ReadOnlySpan<float>(input, 0, length), 0f, new Span<float>(output, 0, length));
    }

    public void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int rows)
    {
        if (inputGradient is null)
        {
            return;
        }

        var length = rows * InputSize;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i + Vector<float>.Count <= length; i += Vector<float>.Count)
            {
                var active = Vector.GreaterThan(new Vector<float>(output, i), Vector<float>.Zero);
                Vector.ConditionalSelect(active, new Vector<float>(outputGradient, i), Vector<float>.Zero).CopyTo(inputGradient, i);
            }
        }

        for (; i < length; i++)
        {
            inputGradient[i] = output[i] > 0f ? outputGradient[i] : 0f;
        }
    }

    public ILayer Clone() => new ReluLayer(InputSize);
}
