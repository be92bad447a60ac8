using System.Numerics.Tensors;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>
/// One post-LayerNorm BERT transformer block with managed forward and backward passes:
/// <c>h = LN₁(x + Wₒ·attention(W_q·x, W_k·x, W_v·x))</c>, <c>y = LN₂(h + W₂·gelu(W₁·h))</c>.
/// Sequences are packed row after row (<c>offsets</c>), each attending only to itself. Dense weights are stored as
/// <see cref="DenseLayer"/> does, <c>out × in</c>; <see cref="EncoderBlockWeights"/> converts from and to the ONNX
/// graph's <c>MatMul</c> layout.
/// </summary>
public sealed class TransformerBlock
{
    public TransformerBlock(
        int heads,
        DenseLayer query,
        DenseLayer key,
        DenseLayer value,
        DenseLayer attentionOutput,
        LayerNormalization attentionNorm,
        DenseLayer intermediate,
        DenseLayer output,
        LayerNormalization outputNorm)
    {
        ArgumentNullException.ThrowIfNull(query);
        var hidden = query.InputSize;
        if (heads <= 0 || hidden % heads != 0)
        {
            throw new ArgumentException($"{heads} heads do not divide hidden size {hidden}.", nameof(heads));
        }

        foreach (var layer in new[] { query, key, value, attentionOutput })
        {
            if (layer.InputSize != hidden || layer.OutputSize != hidden)
            {
                throw new ArgumentException($"Attention projections must be {hidden} × {hidden}.", nameof(query));
            }
        }

        if (intermediate.InputSize != hidden || output.OutputSize != hidden || output.InputSize != intermediate.OutputSize
            || attentionNorm.Width != hidden || outputNorm.Width != hidden)
        {
            throw new ArgumentException("The feed-forward and normalisation shapes do not match the hidden size.", nameof(intermediate));
        }

        Heads = heads;
        Query = query;
        Key = key;
        Value = value;
        AttentionOutput = attentionOutput;
        AttentionNorm = attentionNorm;
        Intermediate = intermediate;
        Output = output;
        OutputNorm = outputNorm;
        Parameters =
        [
            .. query.Parameters, .. key.Parameters, .. value.Parameters, .. attentionOutput.Parameters,
            attentionNorm.Scale, attentionNorm.Bias, .. intermediate.Parameters, .. output.Parameters,
            outputNorm.Scale, outputNorm.Bias,
        ];
    }

    public int Hidden => Query.InputSize;

    public int Heads { get; }

    public int IntermediateSize => Intermediate.OutputSize;

    public DenseLayer Query { get; }

    public DenseLayer Key { get; }

    public DenseLayer Value { get; }

    public DenseLayer AttentionOutput { get; }

    public LayerNormalization AttentionNorm { get; }

    public DenseLayer Intermediate { get; }

    public DenseLayer Output { get; }

    public LayerNormalization OutputNorm { get; }

    /// <summary>Every trainable array, in a fixed order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>A block with small random weights (tests and gradient checks).</summary>
    public static TransformerBlock CreateRandom(int hidden, int heads, int intermediate, SeededRandom random, float epsilon = 1e-12f)
    {
        ArgumentNullException.ThrowIfNull(random);
        LayerNormalization Norm(string name)
        {
            var scale = new float[hidden];
            var bias = new float[hidden];
            for (var i = 0; i < hidden; i++)
            {
                scale[i] = 1f + random.NextSymmetric(0.2f);
                bias[i] = random.NextSymmetric(0.2f);
            }

            return new LayerNormalization(scale, bias, epsilon, name);
        }

        DenseLayer Dense(int inputs, int outputs, string name)
        {
            var layer = DenseLayer.CreateRandom(inputs, outputs, reluFollows: false, random, name);
            for (var i = 0; i < outputs; i++)
            {
                layer.Bias.Value[i] = random.NextSymmetric(0.1f);
            }

            return layer;
        }

        return new TransformerBlock(
            heads,
            Dense(hidden, hidden, "query"),
            Dense(hidden, hidden, "key"),
            Dense(hidden, hidden, "value"),
            Dense(hidden, hidden, "attention.output"),
            Norm("attention.norm"),
            Dense(hidden, intermediate, "intermediate"),
            Dense(intermediate, hidden, "output"),
            Norm("output.norm"));
    }

    /// <summary>A copy with the same weights and zero gradients.</summary>
    public TransformerBlock Clone()
    {
        static DenseLayer Copy(DenseLayer layer) => (DenseLayer)layer.Clone();
        static LayerNormalization CopyNorm(LayerNormalization norm) =>
            new((float[])norm.Scale.Value.Clone(), (float[])norm.Bias.Value.Clone(), norm.Epsilon, norm.Scale.Name[..^".weight".Length]);
        return new TransformerBlock(
            Heads, Copy(Query), Copy(Key), Copy(Value), Copy(AttentionOutput), CopyNorm(AttentionNorm),
            Copy(Intermediate), Copy(Output), CopyNorm(OutputNorm));
    }

    /// <summary>Runs the block over the packed sequences of <paramref name="input"/> (<c>offsets[^1] × hidden</c>).</summary>
    public TransformerBlockActivations Forward(float[] input, int[] offsets)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(offsets);
        var hidden = Hidden;
        var rows = offsets[^1];
        if (input.Length < rows * hidden)
        {
            throw new ArgumentException($"Expected {rows} × {hidden} inputs, got {input.Length}.", nameof(input));
        }

        var a = new TransformerBlockActivations(input, offsets, hidden, Heads, IntermediateSize);
        Query.Forward(input, a.Query, rows, training: true);
        Key.Forward(input, a.Key, rows, training: true);
        Value.Forward(input, a.Value, rows, training: true);
        MultiHeadSelfAttention.Forward(a.Query, a.Key, a.Value, offsets, hidden, Heads, a.Probabilities, a.Context);
        AttentionOutput.Forward(a.Context, a.AttentionResidual, rows, training: true);
        TensorPrimitives.Add(a.AttentionResidual.AsSpan(0, rows * hidden), input.AsSpan(0, rows * hidden), a.AttentionResidual);
        AttentionNorm.Forward(a.AttentionResidual, a.AttentionNormOutput, a.AttentionNormalized, a.AttentionInverseDeviation, rows);
        Intermediate.Forward(a.AttentionNormOutput, a.IntermediatePreActivation, rows, training: true);
        Gelu.Forward(a.IntermediatePreActivation, a.IntermediateActivation);
        Output.Forward(a.IntermediateActivation, a.OutputResidual, rows, training: true);
        TensorPrimitives.Add(a.OutputResidual, a.AttentionNormOutput, a.OutputResidual);
        OutputNorm.Forward(a.OutputResidual, a.Output, a.OutputNormalized, a.OutputInverseDeviation, rows);
        return a;
    }

    /// <summary>
    /// Accumulates every parameter's gradient from <paramref name="outputGradient"/> (<c>rows × hidden</c>) and,
    /// when <paramref name="inputGradient"/> is given, writes the gradient of the block's input into it.
    /// </summary>
    public void Backward(TransformerBlockActivations a, float[] outputGradient, float[]? inputGradient)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(outputGradient);
        var hidden = Hidden;
        var rows = a.Rows;
        var residual2 = new float[rows * hidden];
        OutputNorm.Backward(a.OutputNormalized, a.OutputInverseDeviation, outputGradient, residual2, rows);

        var activationGradient = new float[rows * IntermediateSize];
        Output.Backward(a.IntermediateActivation, a.OutputResidual, residual2, activationGradient, rows);
        Gelu.Backward(a.IntermediatePreActivation, activationGradient, activationGradient);
        var hiddenGradient = new float[rows * hidden];
        Intermediate.Backward(a.AttentionNormOutput, a.IntermediatePreActivation, activationGradient, hiddenGradient, rows);
        TensorPrimitives.Add(hiddenGradient, residual2, hiddenGradient);

        var residual1 = residual2; // reused: residual2 is no longer needed
        AttentionNorm.Backward(a.AttentionNormalized, a.AttentionInverseDeviation, hiddenGradient, residual1, rows);
        var contextGradient = hiddenGradient; // reused
        AttentionOutput.Backward(a.Context, a.AttentionResidual, residual1, contextGradient, rows);

        var queryGradient = new float[rows * hidden];
        var keyGradient = new float[rows * hidden];
        var valueGradient = new float[rows * hidden];
        MultiHeadSelfAttention.Backward(
            a.Query, a.Key, a.Value, a.Offsets, hidden, Heads, a.Probabilities, contextGradient, queryGradient, keyGradient, valueGradient);

        if (inputGradient is null)
        {
            Query.Backward(a.Input, a.Query, queryGradient, null, rows);
            Key.Backward(a.Input, a.Key, keyGradient, null, rows);
            Value.Backward(a.Input, a.Value, valueGradient, null, rows);
            return;
        }

        var part = contextGradient; // reused
        residual1.AsSpan(0, rows * hidden).CopyTo(inputGradient);
        Query.Backward(a.Input, a.Query, queryGradient, part, rows);
        TensorPrimitives.Add(inputGradient.AsSpan(0, rows * hidden), part, inputGradient);
        Key.Backward(a.Input, a.Key, keyGradient, part, rows);
        TensorPrimitives.Add(inputGradient.AsSpan(0, rows * hidden), part, inputGradient);
        Value.Backward(a.Input, a.Value, valueGradient, part, rows);
        TensorPrimitives.Add(inputGradient.AsSpan(0, rows * hidden), part, inputGradient);
    }
}
