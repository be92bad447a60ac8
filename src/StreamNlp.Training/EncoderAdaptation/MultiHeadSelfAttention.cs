using System.Numerics.Tensors;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>
/// Scaled dot-product self-attention of every head over each sequence on its own: rows of one sequence attend only
/// to rows of the same sequence, so sequences are packed without padding and no mask is needed (the encoder's
/// padding mask removes exactly the padded positions). Queries, keys and values are <c>rows × hidden</c>, head
/// <c>h</c> owning columns <c>h·d … (h+1)·d − 1</c> as in BERT's reshape to <c>[batch, heads, seq, d]</c>.
/// </summary>
public static class MultiHeadSelfAttention
{
    /// <summary>The number of attention probabilities stored for sequences at <paramref name="offsets"/>.</summary>
    public static int ProbabilityCount(int[] offsets, int heads) => ProbabilityOffsets(offsets, heads)[^1];

    /// <summary>Where the probabilities of sequence <c>s</c> start in the packed array.</summary>
    public static int[] ProbabilityOffsets(int[] offsets, int heads)
    {
        var starts = new int[offsets.Length];
        for (var s = 0; s + 1 < offsets.Length; s++)
        {
            var length = offsets[s + 1] - offsets[s];
            starts[s + 1] = starts[s] + (heads * length * length);
        }

        return starts;
    }

    /// <summary><c>context = softmax(q·kᵀ/√d)·v</c> per sequence and head; keeps the probabilities.</summary>
    public static void Forward(float[] query, float[] key, float[] value, int[] offsets, int hidden, int heads, float[] probabilities, float[] context)
    {
        var d = hidden / heads;
        var scale = 1f / MathF.Sqrt(d);
        ForEachSequenceHead(offsets, heads, (first, length, h, probabilityStart) =>
        {
            var p = new Span<float>(probabilities, probabilityStart, length * length);
            for (var i = 0; i < length; i++)
            {
                var q = new ReadOnlySpan<float>(query, ((first + i) * hidden) + (h * d), d);
                var row = p.Slice(i * length, length);
                for (var j = 0; j < length; j++)
                {
                    row[j] = TensorPrimitives.Dot(q, new ReadOnlySpan<float>(key, ((first + j) * hidden) + (h * d), d)) * scale;
                }

                TensorPrimitives.SoftMax(row, row);
                var c = new Span<float>(context, ((first + i) * hidden) + (h * d), d);
                c.Clear();
                for (var j = 0; j < length; j++)
                {
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(value, ((first + j) * hidden) + (h * d), d), row[j], c, c);
                }
            }
        });
    }

    /// <summary>
    /// From the context gradient, writes the query, key and value gradients:
    /// <c>dP = dC·vᵀ</c>, <c>dv = Pᵀ·dC</c>, <c>dS = P ⊙ (dP − rowsum(P ⊙ dP))</c>, <c>dq = dS·k/√d</c>, <c>dk = dSᵀ·q/√d</c>.
    /// </summary>
    public static void Backward(
        float[] query, float[] key, float[] value, int[] offsets, int hidden, int heads, float[] probabilities, float[] contextGradient,
        float[] queryGradient, float[] keyGradient, float[] valueGradient)
    {
        var d = hidden / heads;
        var scale = 1f / MathF.Sqrt(d);
        ForEachSequenceHead(offsets, heads, (first, length, h, probabilityStart) =>
        {
            var p = new ReadOnlySpan<float>(probabilities, probabilityStart, length * length);
            for (var j = 0; j < length; j++)
            {
                new Span<float>(queryGradient, ((first + j) * hidden) + (h * d), d).Clear();
                new Span<float>(keyGradient, ((first + j) * hidden) + (h * d), d).Clear();
                new Span<float>(valueGradient, ((first + j) * hidden) + (h * d), d).Clear();
            }

            var scores = new float[length];
            for (var i = 0; i < length; i++)
            {
                var dc = new ReadOnlySpan<float>(contextGradient, ((first + i) * hidden) + (h * d), d);
                var row = p.Slice(i * length, length);
                for (var j = 0; j < length; j++)
                {
                    var v = new ReadOnlySpan<float>(value, ((first + j) * hidden) + (h * d), d);
                    scores[j] = TensorPrimitives.Dot(dc, v);
                    var dv = new Span<float>(valueGradient, ((first + j) * hidden) + (h * d), d);
                    TensorPrimitives.MultiplyAdd(dc, row[j], dv, dv);
                }

                var weighted = TensorPrimitives.Dot(row, scores);
                var q = new ReadOnlySpan<float>(query, ((first + i) * hidden) + (h * d), d);
                var dq = new Span<float>(queryGradient, ((first + i) * hidden) + (h * d), d);
                for (var j = 0; j < length; j++)
                {
                    var ds = row[j] * (scores[j] - weighted) * scale;
                    if (ds == 0f)
                    {
                        continue;
                    }

                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(key, ((first + j) * hidden) + (h * d), d), ds, dq, dq);
                    var dk = new Span<float>(keyGradient, ((first + j) * hidden) + (h * d), d);
                    TensorPrimitives.MultiplyAdd(q, ds, dk, dk);
                }
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="body"/> once per (sequence, head) pair, in parallel: the sequence's first row and length,
    /// the head, and where its <c>length × length</c> probabilities start. Each pair writes only its own rows' head
    /// columns and its own probabilities.
    /// </summary>
    private static void ForEachSequenceHead(int[] offsets, int heads, Action<int, int, int, int> body)
    {
        var starts = ProbabilityOffsets(offsets, heads);
        ParallelRows.For((offsets.Length - 1) * heads, 1L << 14, item =>
        {
            var s = item / heads;
            var h = item % heads;
            var length = offsets[s + 1] - offsets[s];
            body(offsets[s], length, h, starts[s] + (h * length * length));
        });
    }
}
