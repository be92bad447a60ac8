using System.Numerics.Tensors;

namespace StreamNlp.Training.NeuralNetworks.Attention;

/// <summary>
/// Buffers and code for one forward (and backward) pass of an <see cref="AttentionSequenceHead"/> over a ragged
/// batch of sequences: the positions of all sequences are stacked (no padding), so every per-position layer (token
/// projection, attention scorer) runs as one blocked matrix product over all positions of the batch, and the
/// per-sequence parts (softmax, weighted sums, mean, max) run in parallel over sequences, each writing only its own
/// rows. Every value is therefore computed by one thread in a fixed order: results do not depend on the number of
/// cores, and a sequence's prediction does not depend on the batch it is in. Reuse one instance per model across
/// batches; not thread-safe.
/// </summary>
public sealed class AttentionSequenceHeadBackprop
{
    private readonly AttentionSequenceHead head;
    private readonly AttentionPoolingState attentionState = new();
    private readonly ILayer[] classifierLayers;
    private readonly ReluLayer? tokenRelu;
    private readonly float[][] classifierActivations;
    private readonly float[][] classifierGradients;

    private int[] offsets = [];
    private int sequences;
    private int positions;
    private float[] inputs = [];
    private float[] projected = [];
    private float[] activated = [];
    private float[] dropped = [];
    private float[] values = [];
    private float[] attentionOutput = [];
    private float[] pooled = [];
    private float[] classifierInput = [];
    private int[] maxPositions = [];
    private float[] probabilities = [];
    private float[] valuesGradient = [];
    private float[] tokenGradient = [];
    private float[] attentionGradient = [];
    private float[] pooledGradient = [];

    public AttentionSequenceHeadBackprop(AttentionSequenceHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        this.head = head;
        classifierLayers = [.. head.Classifier.Layers];
        classifierActivations = new float[classifierLayers.Length + 1][];
        classifierGradients = new float[classifierLayers.Length + 1][];
        for (var i = 0; i <= classifierLayers.Length; i++)
        {
            classifierActivations[i] = [];
            classifierGradients[i] = [];
        }

        tokenRelu = head.TokenProjection is null ? null : new ReluLayer(head.TokenSize);
    }

    /// <summary>Softmax outputs of the last <see cref="Run"/>, <c>sequences × ClassCount</c> (longer buffer; rows beyond are stale).</summary>
    public ReadOnlySpan<float> Probabilities => probabilities;

    /// <summary>
    /// Sets every parameter gradient to the gradient of the (weighted) mean cross-entropy of the sequences
    /// <paramref name="indices"/> of <paramref name="data"/> and returns that loss.
    /// </summary>
    /// <param name="data">The sequences and labels.</param>
    /// <param name="indices">Which sequences form the batch.</param>
    /// <param name="classWeights">One weight per class, or empty.</param>
    /// <param name="training">True applies dropout (training); false gives the inference-mode loss.</param>
    public double Run(SequenceSet data, ReadOnlySpan<int> indices, ReadOnlySpan<float> classWeights, bool training)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfZero(indices.Length, nameof(indices));
        if (data.HiddenSize != head.HiddenSize || data.ClassCount != head.ClassCount)
        {
            throw new ArgumentException(
                $"The data ({data.HiddenSize} wide, {data.ClassCount} classes) does not fit the head ({head.HiddenSize} wide, {head.ClassCount} classes).", nameof(data));
        }

        var count = indices.Length;
        var hidden = head.HiddenSize;
        var total = 0;
        foreach (var index in indices)
        {
            total += data.Length(index);
        }

        Grow(ref inputs, total * hidden);
        var batchOffsets = new int[count + 1];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            var index = indices[i];
            data.StatesOf(index).CopyTo(inputs.AsSpan(batchOffsets[i] * hidden));
            batchOffsets[i + 1] = batchOffsets[i] + data.Length(index);
            labels[i] = data.Labels[index];
        }

        ForwardStacked(batchOffsets, count, training);
        foreach (var parameter in head.Parameters)
        {
            parameter.ZeroGradient();
        }

        var classes = head.ClassCount;
        Grow(ref probabilities, count * classes);
        var logits = classifierActivations[^1];
        var logitsGradient = classifierGradients[^1];
        var loss = SoftmaxCrossEntropy.Compute(logits, labels, count, classes, classWeights, probabilities, logitsGradient);
        Backward();
        return loss;
    }

    /// <summary>
    /// Inference or training forward pass of <paramref name="count"/> stacked sequences; returns the logits buffer
    /// (<c>count × ClassCount</c> used, possibly longer).
    /// </summary>
    internal float[] Forward(ReadOnlySpan<float> states, ReadOnlySpan<int> batchOffsets, int count, bool training)
    {
        var total = batchOffsets[count];
        Grow(ref inputs, total * head.HiddenSize);
        states[..(total * head.HiddenSize)].CopyTo(inputs);
        ForwardStacked(batchOffsets.ToArray(), count, training);
        return classifierActivations[^1];
    }

    private void ForwardStacked(int[] batchOffsets, int count, bool training)
    {
        offsets = batchOffsets;
        sequences = count;
        positions = batchOffsets[count];
        var tokenSize = head.TokenSize;

        values = inputs;
        if (head.TokenProjection is { } projection)
        {
            Grow(ref projected, positions * tokenSize);
            Grow(ref activated, positions * tokenSize);
            projection.Forward(inputs, projected, positions, training);
            tokenRelu!.Forward(projected, activated, positions, training);
            values = activated;
            if (head.TokenDropout is { } dropout)
            {
                Grow(ref dropped, positions * tokenSize);
                dropout.Forward(activated, dropped, positions, training);
                values = dropped;
            }
        }

        var pooledSize = head.PooledSize;
        Grow(ref pooled, count * pooledSize);
        var column = 0;
        if (head.Attention is { } attention)
        {
            Grow(ref attentionOutput, count * attention.OutputSize);
            attention.Forward(values, offsets, count, attentionOutput, attentionState);
            for (var s = 0; s < count; s++)
            {
                attentionOutput.AsSpan(s * attention.OutputSize, attention.OutputSize).CopyTo(pooled.AsSpan(s * pooledSize));
            }

            column = attention.OutputSize;
        }

        if (head.MaxPooling)
        {
            Array.Resize(ref maxPositions, Math.Max(maxPositions.Length, count * tokenSize));
        }

        int meanColumn = head.MeanPooling ? column : -1, maxColumn = head.MaxPooling ? column + (head.MeanPooling ? tokenSize : 0) : -1;
        var localValues = values;
        var localOffsets = offsets;
        var localPooled = pooled;
        var localMax = maxPositions;
        if (meanColumn >= 0 || maxColumn >= 0)
        {
            ParallelRows.For(count, (long)((positions / count) + 1) * tokenSize * 2, s =>
            {
                int start = localOffsets[s], end = localOffsets[s + 1];
                if (meanColumn >= 0)
                {
                    var mean = localPooled.AsSpan((s * pooledSize) + meanColumn, tokenSize);
                    mean.Clear();
                    for (var t = start; t < end; t++)
                    {
                        TensorPrimitives.Add(mean, localValues.AsSpan(t * tokenSize, tokenSize), mean);
                    }

                    TensorPrimitives.Divide(mean, end - start, mean);
                }

                if (maxColumn >= 0)
                {
                    var max = localPooled.AsSpan((s * pooledSize) + maxColumn, tokenSize);
                    var where = localMax.AsSpan(s * tokenSize, tokenSize);
                    localValues.AsSpan(start * tokenSize, tokenSize).CopyTo(max);
                    where.Fill(start);
                    for (var t = start + 1; t < end; t++)
                    {
                        var row = localValues.AsSpan(t * tokenSize, tokenSize);
                        for (var d = 0; d < tokenSize; d++)
                        {
                            if (row[d] > max[d])
                            {
                                max[d] = row[d];
                                where[d] = t;
                            }
                        }
                    }
                }
            });
        }

        classifierInput = pooled;
        if (head.PooledDropout is { } pooledDropout)
        {
            Grow(ref classifierActivations[0], count * pooledSize);
            pooledDropout.Forward(pooled, classifierActivations[0], count, training);
            classifierInput = classifierActivations[0];
        }

        var current = classifierInput;
        for (var i = 0; i < classifierLayers.Length; i++)
        {
            Grow(ref classifierActivations[i + 1], count * classifierLayers[i].OutputSize);
            Grow(ref classifierGradients[i + 1], count * classifierLayers[i].OutputSize);
            classifierLayers[i].Forward(current, classifierActivations[i + 1], count, training);
            current = classifierActivations[i + 1];
        }
    }

    private void Backward()
    {
        var count = sequences;
        var pooledSize = head.PooledSize;
        var tokenSize = head.TokenSize;
        Grow(ref pooledGradient, count * pooledSize);
        for (var i = classifierLayers.Length - 1; i >= 0; i--)
        {
            var input = i == 0 ? classifierInput : classifierActivations[i];
            var inputGradient = i == 0 ? pooledGradient : classifierGradients[i];
            classifierLayers[i].Backward(input, classifierActivations[i + 1], classifierGradients[i + 1], inputGradient, count);
        }

        if (head.PooledDropout is { } pooledDropout)
        {
            pooledDropout.Backward(pooled, classifierInput, pooledGradient, pooledGradient, count);
        }

        var needValuesGradient = head.TokenProjection is not null;
        if (needValuesGradient)
        {
            Grow(ref valuesGradient, positions * tokenSize);
            Array.Clear(valuesGradient, 0, positions * tokenSize);
        }

        var gradientTarget = needValuesGradient ? valuesGradient : null;
        var column = 0;
        if (head.Attention is { } attention)
        {
            Grow(ref attentionGradient, count * attention.OutputSize);
            for (var s = 0; s < count; s++)
            {
                pooledGradient.AsSpan(s * pooledSize, attention.OutputSize).CopyTo(attentionGradient.AsSpan(s * attention.OutputSize));
            }

            attention.Backward(values, offsets, count, attentionGradient, gradientTarget, attentionState);
            column = attention.OutputSize;
        }

        if (gradientTarget is null)
        {
            return;
        }

        int meanColumn = head.MeanPooling ? column : -1, maxColumn = head.MaxPooling ? column + (head.MeanPooling ? tokenSize : 0) : -1;
        var localOffsets = offsets;
        var localGradient = pooledGradient;
        var localMax = maxPositions;
        if (meanColumn >= 0 || maxColumn >= 0)
        {
            ParallelRows.For(count, (long)((positions / count) + 1) * tokenSize, s =>
            {
                int start = localOffsets[s], end = localOffsets[s + 1];
                if (meanColumn >= 0)
                {
                    var share = localGradient.AsSpan((s * pooledSize) + meanColumn, tokenSize);
                    var scale = 1f / (end - start);
                    for (var t = start; t < end; t++)
                    {
                        var row = gradientTarget.AsSpan(t * tokenSize, tokenSize);
                        TensorPrimitives.MultiplyAdd(share, scale, row, row);
                    }
                }

                if (maxColumn >= 0)
                {
                    var gradient = localGradient.AsSpan((s * pooledSize) + maxColumn, tokenSize);
                    var where = localMax.AsSpan(s * tokenSize, tokenSize);
                    for (var d = 0; d < tokenSize; d++)
                    {
                        gradientTarget[(where[d] * tokenSize) + d] += gradient[d];
                    }
                }
            });
        }

        // Back through token dropout, ReLU and the projection (whose input, the encoder states, needs no gradient).
        var projection = head.TokenProjection!;
        Grow(ref tokenGradient, positions * tokenSize);
        var gradientIn = valuesGradient;
        if (head.TokenDropout is { } dropout)
        {
            dropout.Backward(activated, dropped, gradientIn, tokenGradient, positions);
            gradientIn = tokenGradient;
        }

        tokenRelu!.Backward(projected, activated, gradientIn, tokenGradient, positions);
        projection.Backward(inputs, projected, tokenGradient, null, positions);
    }

    private static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[Math.Max(length, buffer.Length * 3 / 2)];
        }
    }
}
