using System.Numerics.Tensors;

namespace StreamNlp.Training.Export;

/// <summary>
/// Masked mean pooling of encoder outputs, computed exactly as the sequence-head graph does
/// (<see cref="HeadOnnxExporter.ExportSequenceHead"/>): <c>Σ_t mask[b,t]·h[b,t,:] / max(Σ_t mask[b,t], 1e-9)</c>,
/// so features used in training equal what the exported head sees.
/// </summary>
public static class MeanPooling
{
    /// <summary>Lower bound of the token count, so an all-padding row gives zeros instead of NaN.</summary>
    public const float MinimumCount = 1e-9f;

    /// <summary>Pools <paramref name="hidden"/> (<c>batch × seq × hiddenSize</c>) into <c>batch × hiddenSize</c>.</summary>
    /// <param name="hidden">Encoder output, row-major.</param>
    /// <param name="mask">Attention mask, <c>batch × seq</c> (1 for tokens, 0 for padding).</param>
    public static float[] Compute(ReadOnlySpan<float> hidden, ReadOnlySpan<long> mask, int batch, int seq, int hiddenSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(seq);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        if (hidden.Length != batch * seq * hiddenSize)
        {
            throw new ArgumentException($"Expected {batch} × {seq} × {hiddenSize} hidden values, got {hidden.Length}.", nameof(hidden));
        }

        if (mask.Length != batch * seq)
        {
            throw new ArgumentException($"Expected {batch} × {seq} mask values, got {mask.Length}.", nameof(mask));
        }

        var pooled = new float[batch * hiddenSize];
        for (var b = 0; b < batch; b++)
        {
            var sum = pooled.AsSpan(b * hiddenSize, hiddenSize);
            var count = 0f;
            for (var t = 0; t < seq; t++)
            {
                var weight = (float)mask[(b * seq) + t];
                count += weight;
                if (weight != 0f)
                {
                    TensorPrimitives.MultiplyAdd(hidden.Slice(((b * seq) + t) * hiddenSize, hiddenSize), weight, sum, sum);
                }
            }

            TensorPrimitives.Divide(sum, Math.Max(count, MinimumCount), sum);
        }

        return pooled;
    }
}
