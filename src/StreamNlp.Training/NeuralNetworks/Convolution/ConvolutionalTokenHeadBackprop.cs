using System.Numerics.Tensors;

namespace StreamNlp.Training.NeuralNetworks.Convolution;

/// <summary>
/// Forward and backward passes of a <see cref="ConvolutionalTokenHead"/> over a mini-batch of sequences, stacked
/// without padding. Only labelled positions are scored, so the top convolution is evaluated at those rows alone
/// (lower layers at every row, since the layer above reads their neighbours). Dropout masks are drawn in a fixed
/// order from the caller's generator, and every product is computed by <see cref="MatrixKernels"/>, so a run
/// depends only on its seed. Buffers grow as needed and are reused.
/// </summary>
public sealed class ConvolutionalTokenHeadBackprop
{
    private readonly ConvolutionalTokenHead model;
    private readonly SequencePositions allRows = new();
    private readonly SequencePositions labelledRows = new();
    private readonly float[][] windows;
    private readonly float[][] preActivations;
    private readonly float[][] activations;
    private readonly float[][] dropoutMasks;
    private readonly bool[] masked;
    private float[] input = [];
    private float[] inputMask = [];
    private int[] labels = [];
    private float[] logits = [];
    private float[] probabilities = [];
    private float[] logitsGradient = [];
    private float[] activationGradient = [];
    private float[] preActivationGradient = [];
    private float[] windowGradient = [];

    public ConvolutionalTokenHeadBackprop(ConvolutionalTokenHead model)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
        var layers = model.Convolutions.Count;
        windows = new float[layers][];
        preActivations = new float[layers][];
        activations = new float[layers][];
        dropoutMasks = new float[layers][];
        masked = new bool[layers];
        for (var l = 0; l < layers; l++)
        {
            windows[l] = preActivations[l] = activations[l] = dropoutMasks[l] = [];
        }
    }

    /// <summary>Labelled positions of the last batch.</summary>
    public int LabelledCount { get; private set; }

    /// <summary>The last batch's labels, one per labelled position.</summary>
    public ReadOnlySpan<int> Labels => labels.AsSpan(0, LabelledCount);

    /// <summary>The last batch's probabilities, <c>LabelledCount × tags</c>.</summary>
    public ReadOnlySpan<float> Probabilities => probabilities.AsSpan(0, LabelledCount * model.TagCount);

    /// <summary>
    /// Runs the sequences <paramref name="sequences"/> of <paramref name="data"/> forward and returns the (weighted)
    /// mean cross-entropy over their labelled positions. When <paramref name="training"/>, applies dropout from
    /// <paramref name="random"/> and leaves the loss gradient of every parameter in its <see cref="Parameter.Gradient"/>
    /// (zeroed first).
    /// </summary>
    public double Run(
        TokenSequenceSet data,
        ReadOnlySpan<int> sequences,
        ReadOnlySpan<float> classWeights,
        bool training,
        float inputDropout,
        float dropout,
        SeededRandom? random)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.HiddenSize != model.HiddenSize || data.TagCount != model.TagCount || data.FeatureCount != model.FeatureCount)
        {
            throw new ArgumentException("The data does not match the head's input width or tag count.", nameof(data));
        }

        if (training && random is null && (inputDropout > 0f || dropout > 0f))
        {
            throw new ArgumentNullException(nameof(random), "Dropout needs a random generator.");
        }

        var rows = Stack(data, sequences);
        var width = model.InputSize;
        var layers = model.Convolutions;
        if (training && inputDropout > 0f)
        {
            Grow(ref inputMask, rows * width);
            ApplyDropout(input.AsSpan(0, rows * width), inputMask.AsSpan(0, rows * width), inputDropout, random!);
        }

        var source = input;
        for (var l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            var positions = l == layers.Count - 1 ? labelledRows : allRows;
            var count = positions.Count;
            var outputs = count * layer.OutputChannels;
            Grow(ref windows[l], count * layer.WindowSize);
            Grow(ref preActivations[l], outputs);
            Grow(ref activations[l], outputs);
            layer.GatherWindows(source, positions, windows[l]);
            layer.Forward(windows[l], count, preActivations[l]);
            var activation = activations[l].AsSpan(0, outputs);
            TensorPrimitives.Max(preActivations[l].AsSpan(0, outputs), 0f, activation);
            masked[l] = training && dropout > 0f;
            if (masked[l])
            {
                Grow(ref dropoutMasks[l], outputs);
                ApplyDropout(activation, dropoutMasks[l].AsSpan(0, outputs), dropout, random!);
            }

            source = activations[l];
        }

        var labelled = LabelledCount;
        var tags = model.TagCount;
        Grow(ref logits, labelled * tags);
        Grow(ref probabilities, labelled * tags);
        if (labelled > 0)
        {
            model.Output.Forward(source, logits, labelled, training);
        }

        if (!training)
        {
            return SoftmaxCrossEntropy.Compute(logits, Labels, labelled, tags, classWeights, probabilities, []);
        }

        foreach (var parameter in model.Parameters)
        {
            parameter.ZeroGradient();
        }

        Grow(ref logitsGradient, labelled * tags);
        var loss = SoftmaxCrossEntropy.Compute(logits, Labels, labelled, tags, classWeights, probabilities, logitsGradient.AsSpan(0, labelled * tags));
        if (labelled > 0)
        {
            Backward(rows, labelled);
        }

        return loss;
    }

    private void Backward(int rows, int labelled)
    {
        var layers = model.Convolutions;
        var top = layers.Count - 1;
        Grow(ref activationGradient, labelled * layers[top].OutputChannels);
        model.Output.Backward(activations[top], logits, logitsGradient, activationGradient, labelled);
        for (var l = top; l >= 0; l--)
        {
            var layer = layers[l];
            var positions = l == top ? labelledRows : allRows;
            var count = positions.Count;
            var outputs = count * layer.OutputChannels;

            // Through dropout and ReLU: dL/dz = dL/da · mask · [z > 0].
            Grow(ref preActivationGradient, outputs);
            var pre = preActivations[l];
            var mask = dropoutMasks[l];
            for (var i = 0; i < outputs; i++)
            {
                var gradient = pre[i] > 0f ? activationGradient[i] : 0f;
                preActivationGradient[i] = masked[l] ? gradient * mask[i] : gradient;
            }

            if (l == 0)
            {
                layer.Backward(windows[l], preActivationGradient, count, null);
                break;
            }

            Grow(ref windowGradient, count * layer.WindowSize);
            layer.Backward(windows[l], preActivationGradient, count, windowGradient);
            var below = rows * layer.InputChannels;
            Grow(ref activationGradient, below);
            Array.Clear(activationGradient, 0, below);
            layer.ScatterWindows(windowGradient.AsSpan(0, count * layer.WindowSize), positions, activationGradient.AsSpan(0, below));
        }
    }

    /// <summary>Copies the batch's inputs into <see cref="input"/>, records its rows and labels; returns the row count.</summary>
    private int Stack(TokenSequenceSet data, ReadOnlySpan<int> sequences)
    {
        var states = data.States;
        var rows = 0;
        foreach (var sequence in sequences)
        {
            rows += states.Length(sequence);
        }

        var width = model.InputSize;
        Grow(ref input, rows * width);
        allRows.Clear();
        labelledRows.Clear();
        var labelledCount = 0;
        foreach (var sequence in sequences)
        {
            labelledCount += CountLabels(data.LabelsOf(sequence));
        }

        Grow(ref labels, labelledCount);
        var offset = 0;
        var k = 0;
        foreach (var sequence in sequences)
        {
            var length = states.Length(sequence);
            model.WriteInputs(states.StatesOf(sequence), states.ShapeOf(sequence), length, input.AsSpan(offset * width, length * width));
            allRows.AddSequence(offset, length);
            var sequenceLabels = data.LabelsOf(sequence);
            for (var t = 0; t < length; t++)
            {
                if (sequenceLabels[t] >= 0)
                {
                    labelledRows.Add(offset + t, offset, offset + length);
                    labels[k++] = sequenceLabels[t];
                }
            }

            offset += length;
        }

        LabelledCount = labelledCount;
        return rows;
    }

    private static int CountLabels(ReadOnlySpan<int> labels)
    {
        var count = 0;
        foreach (var label in labels)
        {
            if (label >= 0)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Inverted dropout in place, as <see cref="DropoutLayer"/> draws it (one 64-bit draw per two elements).</summary>
    private static void ApplyDropout(Span<float> values, Span<float> mask, float rate, SeededRandom random)
    {
        var keepScale = 1f / (1f - rate);
        var threshold = (ulong)(rate * 4294967296.0);
        for (var i = 0; i < values.Length; i += 2)
        {
            var bits = random.NextUInt64();
            mask[i] = (bits & 0xFFFFFFFFUL) < threshold ? 0f : keepScale;
            if (i + 1 < values.Length)
            {
                mask[i + 1] = (bits >> 32) < threshold ? 0f : keepScale;
            }
        }

        TensorPrimitives.Multiply(values, mask, values);
    }

    private static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[Math.Max(length, buffer.Length + (buffer.Length / 2))];
        }
    }

    private static void Grow(ref int[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new int[Math.Max(length, buffer.Length + (buffer.Length / 2))];
        }
    }
}
