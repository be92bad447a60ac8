using System.Numerics.Tensors;

namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// Inverted dropout: while training, each element is zeroed with probability <see cref="Rate"/> and the rest
/// scaled by <c>1 / (1 − rate)</c>, so inference is the identity (and export needs no node for it).
/// The mask comes from <see cref="Random"/>, drawn in a fixed order, so runs repeat for a fixed seed.
/// </summary>
public sealed class DropoutLayer : ILayer
{
    private float[] mask = [];
    private bool maskApplied;

    public DropoutLayer(int size, float rate, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must be in [0, 1).");
        }

        ArgumentNullException.ThrowIfNull(random);
        InputSize = size;
        Rate = rate;
        Random = random;
    }

    public int InputSize { get; }

    public int OutputSize => InputSize;

    public float Rate { get; }

    /// <summary>The generator of the masks.</summary>
    public SeededRandom Random { get; set; }

    public IReadOnlyList<Parameter> Parameters => [];

    public void Forward(float[] input, float[] output, int rows, bool training)
    {
        var length = rows * InputSize;
        maskApplied = training && Rate > 0f;
        if (!maskApplied)
        {
            Array.Copy(input, output, length);
            return;
        }

        if (mask.Length < length)
        {
            mask = new float[length];
        }

        // Each 64-bit draw decides two elements: an element is dropped when its 32-bit half is below rate · 2³².
        var keepScale = 1f / (1f - Rate);
        var threshold = (ulong)(Rate * 4294967296.0);
        for (var i = 0; i < length; i += 2)
        {
            var bits = Random.NextUInt64();
            mask[i] = (bits & 0xFFFFFFFFUL) < threshold ? 0f : keepScale;
            if (i + 1 < length)
            {
                mask[i + 1] = (bits >> 32) < threshold ? 0f : keepScale;
            }
        }

        TensorPrimitives.Multiply(new ReadOnlySpan<float>(input, 0, length), new ReadOnlySpan<float>(mask, 0, length), new Span<float>(output, 0, length));
    }

    public void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int rows)
    {
        if (inputGradient is null)
        {
            return;
        }

        var length = rows * InputSize;
        if (!maskApplied)
        {
            Array.Copy(outputGradient, inputGradient, length);
            return;
        }

        TensorPrimitives.Multiply(new ReadOnlySpan<float>(outputGradient, 0, length), new ReadOnlySpan<float>(mask, 0, length), new Span<float>(inputGradient, 0, length));
    }

    public ILayer Clone() => new DropoutLayer(InputSize, Rate, Random.Clone());
}
