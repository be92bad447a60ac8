using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// The two matrix products that dominate training, register-blocked with <see cref="Vector{T}"/> so each loaded
/// vector feeds several fused multiply-adds: a <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
/// per output element, or a <see cref="TensorPrimitives.MultiplyAdd(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>
/// per gradient row, does two loads (and for the axpy a store) per multiply-add and measured 2–3× slower here.
/// Each output element is computed by one thread in a fixed order, so results are deterministic.
/// </summary>
internal static class MatrixKernels
{
    private const int Block = 4;

    /// <summary>
    /// <c>c[r, o] = dot(a[r, :], b[o, :]) + bias[o]</c> for <paramref name="rows"/> rows of <paramref name="a"/>
    /// (row length <paramref name="length"/>) and <paramref name="outputs"/> rows of <paramref name="b"/>.
    /// Every element is summed in the same order whichever block computes it, so a row's result does not depend on
    /// the batch it is in.
    /// </summary>
    public static void MultiplyTransposedAddBias(
        float[] a, int rows, float[] b, int outputs, int length, float[] bias, float[] c)
    {
        var rowBlocks = (rows + Block - 1) / Block;
        ParallelRows.For(rowBlocks, (long)Block * outputs * length, block =>
        {
            var row = block * Block;
            var count = Math.Min(Block, rows - row);
            Span<float> sums = stackalloc float[Block * Block];
            var o4 = 0;
            for (; o4 + Block <= outputs; o4 += Block)
            {
                var weights = new ReadOnlySpan<float>(b, o4 * length, Block * length);
                if (count == Block)
                {
                    Dot4x4(new ReadOnlySpan<float>(a, row * length, Block * length), weights, length, sums);
                }
                else
                {
                    for (var i = 0; i < count; i++)
                    {
                        Dot1x4(new ReadOnlySpan<float>(a, (row + i) * length, length), weights, length, sums.Slice(i * Block, Block));
                    }
                }

                for (var i = 0; i < count; i++)
                {
                    for (var j = 0; j < Block; j++)
                    {
                        c[((row + i) * outputs) + o4 + j] = sums[(i * Block) + j] + bias[o4 + j];
                    }
                }
            }

            for (var o = o4; o < outputs; o++)
            {
                var w = new ReadOnlySpan<float>(b, o * length, length);
                for (var i = 0; i < count; i++)
                {
                    c[((row + i) * outputs) + o] = Dot1x1(new ReadOnlySpan<float>(a, (row + i) * length, length), w) + bias[o];
                }
            }
        });
    }

    /// <summary>
    /// <c>g[o, :] += Σ_r d[r, o] · x[r, :]</c>: accumulates the weight gradient of a dense layer from its output
    /// gradient <paramref name="d"/> (<paramref name="rows"/> × <paramref name="outputs"/>) and its input
    /// <paramref name="x"/> (<paramref name="rows"/> × <paramref name="length"/>).
    /// </summary>
    public static void AccumulateOuterProducts(
        float[] d, float[] x, int rows, int outputs, int length, float[] g)
    {
        var outputBlocks = (outputs + Block - 1) / Block;
        ParallelRows.For(outputBlocks, (long)Block * rows * length, block =>
        {
            var o = block * Block;
            var count = Math.Min(Block, outputs - o);
            if (count < Block)
            {
                for (var oi = o; oi < o + count; oi++)
                {
                    var gradientRow = new Span<float>(g, oi * length, length);
                    for (var r = 0; r < rows; r++)
                    {
                        var scale = d[(r * outputs) + oi];
                        if (scale != 0f)
                        {
                            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(x, r * length, length), scale, gradientRow, gradientRow);
                        }
                    }
                }

                return;
            }

            OuterProducts4(d, x, rows, outputs, length, o, g);
        });
    }

    /// <summary>The 16 dot products of 4 rows of <paramref name="a"/> with 4 rows of <paramref name="b"/>.</summary>
    private static void Dot4x4(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int length, Span<float> sums)
    {
        ref var a0 = ref MemoryMarshal.GetReference(a);
        ref var a1 = ref Unsafe.Add(ref a0, length);
        ref var a2 = ref Unsafe.Add(ref a1, length);
        ref var a3 = ref Unsafe.Add(ref a2, length);
        ref var b0 = ref MemoryMarshal.GetReference(b);
        ref var b1 = ref Unsafe.Add(ref b0, length);
        ref var b2 = ref Unsafe.Add(ref b1, length);
        ref var b3 = ref Unsafe.Add(ref b2, length);

        Vector<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector<float> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector<float> s20 = default, s21 = default, s22 = default, s23 = default;
        Vector<float> s30 = default, s31 = default, s32 = default, s33 = default;
        var width = Vector<float>.Count;
        var k = 0;
        for (; k + width <= length; k += width)
        {
            var offset = (nuint)k;
            var w0 = Vector.LoadUnsafe(ref b0, offset);
            var w1 = Vector.LoadUnsafe(ref b1, offset);
            var w2 = Vector.LoadUnsafe(ref b2, offset);
            var w3 = Vector.LoadUnsafe(ref b3, offset);
            var x = Vector.LoadUnsafe(ref a0, offset);
            s00 = Vector.FusedMultiplyAdd(x, w0, s00);
            s01 = Vector.FusedMultiplyAdd(x, w1, s01);
            s02 = Vector.FusedMultiplyAdd(x, w2, s02);
            s03 = Vector.FusedMultiplyAdd(x, w3, s03);
            x = Vector.LoadUnsafe(ref a1, offset);
            s10 = Vector.FusedMultiplyAdd(x, w0, s10);
            s11 = Vector.FusedMultiplyAdd(x, w1, s11);
            s12 = Vector.FusedMultiplyAdd(x, w2, s12);
            s13 = Vector.FusedMultiplyAdd(x, w3, s13);
            x = Vector.LoadUnsafe(ref a2, offset);
            s20 = Vector.FusedMultiplyAdd(x, w0, s20);
            s21 = Vector.FusedMultiplyAdd(x, w1, s21);
            s22 = Vector.FusedMultiplyAdd(x, w2, s22);
            s23 = Vector.FusedMultiplyAdd(x, w3, s23);
            x = Vector.LoadUnsafe(ref a3, offset);
            s30 = Vector.FusedMultiplyAdd(x, w0, s30);
            s31 = Vector.FusedMultiplyAdd(x, w1, s31);
            s32 = Vector.FusedMultiplyAdd(x, w2, s32);
            s33 = Vector.FusedMultiplyAdd(x, w3, s33);
        }

        sums[0] = Vector.Sum(s00);
        sums[1] = Vector.Sum(s01);
        sums[2] = Vector.Sum(s02);
        sums[3] = Vector.Sum(s03);
        sums[4] = Vector.Sum(s10);
        sums[5] = Vector.Sum(s11);
        sums[6] = Vector.Sum(s12);
        sums[7] = Vector.Sum(s13);
        sums[8] = Vector.Sum(s20);
        sums[9] = Vector.Sum(s21);
        sums[10] = Vector.Sum(s22);
        sums[11] = Vector.Sum(s23);
        sums[12] = Vector.Sum(s30);
        sums[13] = Vector.Sum(s31);
        sums[14] = Vector.Sum(s32);
        sums[15] = Vector.Sum(s33);

        for (; k < length; k++)
        {
            for (var i = 0; i < Block; i++)
            {
                var x = a[(i * length) + k];
                for (var j = 0; j < Block; j++)
                {
                    sums[(i * Block) + j] += x * b[(j * length) + k];
                }
            }
        }
    }

    /// <summary>The 4 dot products of one row <paramref name="x"/> with 4 rows of <paramref name="b"/>, summed as <see cref="Dot4x4"/> does.</summary>
    private static void Dot1x4(ReadOnlySpan<float> x, ReadOnlySpan<float> b, int length, Span<float> sums)
    {
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var b0 = ref MemoryMarshal.GetReference(b);
        ref var b1 = ref Unsafe.Add(ref b0, length);
        ref var b2 = ref Unsafe.Add(ref b1, length);
        ref var b3 = ref Unsafe.Add(ref b2, length);
        Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
        var width = Vector<float>.Count;
        var k = 0;
        for (; k + width <= length; k += width)
        {
            var offset = (nuint)k;
            var xv = Vector.LoadUnsafe(ref x0, offset);
            s0 = Vector.FusedMultiplyAdd(xv, Vector.LoadUnsafe(ref b0, offset), s0);
            s1 = Vector.FusedMultiplyAdd(xv, Vector.LoadUnsafe(ref b1, offset), s1);
            s2 = Vector.FusedMultiplyAdd(xv, Vector.LoadUnsafe(ref b2, offset), s2);
            s3 = Vector.FusedMultiplyAdd(xv, Vector.LoadUnsafe(ref b3, offset), s3);
        }

        sums[0] = Vector.Sum(s0);
        sums[1] = Vector.Sum(s1);
        sums[2] = Vector.Sum(s2);
        sums[3] = Vector.Sum(s3);
        for (; k < length; k++)
        {
            for (var j = 0; j < Block; j++)
            {
                sums[j] += x[k] * b[(j * length) + k];
            }
        }
    }

    /// <summary>One dot product, summed as <see cref="Dot4x4"/> does.</summary>
    private static float Dot1x1(ReadOnlySpan<float> x, ReadOnlySpan<float> w)
    {
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var w0 = ref MemoryMarshal.GetReference(w);
        Vector<float> sum = default;
        var width = Vector<float>.Count;
        var k = 0;
        for (; k + width <= x.Length; k += width)
        {
            sum = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref x0, (nuint)k), Vector.LoadUnsafe(ref w0, (nuint)k), sum);
        }

        var result = Vector.Sum(sum);
        for (; k < x.Length; k++)
        {
            result += x[k] * w[k];
        }

        return result;
    }

    /// <summary>
    /// Accumulates the gradient rows <c>o .. o+3</c>, keeping two vector-wide strips of each in registers over all
    /// rows (8 independent accumulators hide the fused multiply-add latency).
    /// </summary>
    private static void OuterProducts4(float[] d, float[] x, int rows, int outputs, int length, int o, float[] g)
    {
        ref var g0 = ref g[o * length];
        ref var g1 = ref Unsafe.Add(ref g0, length);
        ref var g2 = ref Unsafe.Add(ref g1, length);
        ref var g3 = ref Unsafe.Add(ref g2, length);
        ref var x0 = ref MemoryMarshal.GetArrayDataReference(x);
        var width = Vector<float>.Count;
        var k = 0;
        for (; k + (2 * width) <= length; k += 2 * width)
        {
            var offset = (nuint)k;
            var offsetB = (nuint)(k + width);
            var acc0 = Vector.LoadUnsafe(ref g0, offset);
            var acc1 = Vector.LoadUnsafe(ref g1, offset);
            var acc2 = Vector.LoadUnsafe(ref g2, offset);
            var acc3 = Vector.LoadUnsafe(ref g3, offset);
            var acc0B = Vector.LoadUnsafe(ref g0, offsetB);
            var acc1B = Vector.LoadUnsafe(ref g1, offsetB);
            var acc2B = Vector.LoadUnsafe(ref g2, offsetB);
            var acc3B = Vector.LoadUnsafe(ref g3, offsetB);
            for (var r = 0; r < rows; r++)
            {
                var rowStart = (nuint)(r * length);
                var xv = Vector.LoadUnsafe(ref x0, rowStart + offset);
                var xvB = Vector.LoadUnsafe(ref x0, rowStart + offsetB);
                var dRow = (r * outputs) + o;
                var d0 = new Vector<float>(d[dRow]);
                var d1 = new Vector<float>(d[dRow + 1]);
                var d2 = new Vector<float>(d[dRow + 2]);
                var d3 = new Vector<float>(d[dRow + 3]);
                acc0 = Vector.FusedMultiplyAdd(d0, xv, acc0);
                acc1 = Vector.FusedMultiplyAdd(d1, xv, acc1);
                acc2 = Vector.FusedMultiplyAdd(d2, xv, acc2);
                acc3 = Vector.FusedMultiplyAdd(d3, xv, acc3);
                acc0B = Vector.FusedMultiplyAdd(d0, xvB, acc0B);
                acc1B = Vector.FusedMultiplyAdd(d1, xvB, acc1B);
                acc2B = Vector.FusedMultiplyAdd(d2, xvB, acc2B);
                acc3B = Vector.FusedMultiplyAdd(d3, xvB, acc3B);
            }

            acc0.StoreUnsafe(ref g0, offset);
            acc1.StoreUnsafe(ref g1, offset);
            acc2.StoreUnsafe(ref g2, offset);
            acc3.StoreUnsafe(ref g3, offset);
            acc0B.StoreUnsafe(ref g0, offsetB);
            acc1B.StoreUnsafe(ref g1, offsetB);
            acc2B.StoreUnsafe(ref g2, offsetB);
            acc3B.StoreUnsafe(ref g3, offsetB);
        }

        for (; k < length; k++)
        {
            for (var i = 0; i < Block; i++)
            {
                var sum = g[((o + i) * length) + k];
                for (var r = 0; r < rows; r++)
                {
                    sum += d[(r * outputs) + o + i] * x[(r * length) + k];
                }

                g[((o + i) * length) + k] = sum;
            }
        }
    }
}
