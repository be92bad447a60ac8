using System.Numerics.Tensors;

namespace StreamNlp.Training.NeuralNetworks.Attention;

/// <summary>
/// Learned attention pooling over the positions of each sequence of a ragged batch: every head <c>k</c> scores each
/// position (<see cref="AttentionScoring"/>), takes a softmax over the sequence's own positions only (what a masked
/// softmax over a padded batch computes) and returns the weighted sum of the position vectors,
/// <c>o_k = Σ_t softmax_t(s[t,k]) · x_t</c>. Output per sequence: the heads' sums concatenated,
/// <c>Heads × InputSize</c>.
/// <para>
/// A ragged batch stores the positions of its sequences back to back: sequence <c>i</c> occupies rows
/// <c>offsets[i]</c> to <c>offsets[i + 1]</c> of the <c>positions × InputSize</c> values, with
/// <c>offsets[0] = 0</c>. Nothing is padded, so no padded content can reach a result.
/// </para>
/// </summary>
public sealed class AttentionPoolingLayer
{
    private readonly string name;
    private readonly float[] zeroScoreBias;
    private readonly float[] zeroInputBias;

    /// <summary>A layer with the given weights; arrays are kept, not copied.</summary>
    /// <param name="inputSize">Width of a position vector.</param>
    /// <param name="heads">Number of attention heads (independent softmaxes).</param>
    /// <param name="scoring">How positions are scored.</param>
    /// <param name="attentionSize">Width of the additive scorer's tanh layer; ignored for dot-product scoring.</param>
    /// <param name="projectionWeights">Additive only: <c>attentionSize × inputSize</c>, row-major; else null.</param>
    /// <param name="projectionBias">Additive only: <c>attentionSize</c>; else null.</param>
    /// <param name="scoreWeights">One score vector per head: <c>heads × attentionSize</c> (additive) or
    /// <c>heads × inputSize</c> (dot product, the queries).</param>
    /// <param name="name">Prefix of the parameter names.</param>
    public AttentionPoolingLayer(
        int inputSize,
        int heads,
        AttentionScoring scoring,
        int attentionSize,
        float[]? projectionWeights,
        float[]? projectionBias,
        float[] scoreWeights,
        string name = "attention")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentNullException.ThrowIfNull(scoreWeights);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!Enum.IsDefined(scoring))
        {
            throw new ArgumentOutOfRangeException(nameof(scoring), scoring, "Unknown attention scoring.");
        }

        this.name = name;
        InputSize = inputSize;
        Heads = heads;
        Scoring = scoring;
        if (scoring == AttentionScoring.Additive)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(attentionSize);
            ArgumentNullException.ThrowIfNull(projectionWeights);
            ArgumentNullException.ThrowIfNull(projectionBias);
            if (projectionWeights.Length != attentionSize * inputSize)
            {
                throw new ArgumentException($"Expected {attentionSize} × {inputSize} projection weights, got {projectionWeights.Length}.", nameof(projectionWeights));
            }

            if (projectionBias.Length != attentionSize)
            {
                throw new ArgumentException($"Expected {attentionSize} projection biases, got {projectionBias.Length}.", nameof(projectionBias));
            }

            AttentionSize = attentionSize;
            Projection = new Parameter(name + ".projection.weight", projectionWeights, applyWeightDecay: true);
            ProjectionBias = new Parameter(name + ".projection.bias", projectionBias, applyWeightDecay: false);
        }
        else if (projectionWeights is not null || projectionBias is not null)
        {
            throw new ArgumentException("Dot-product scoring has no projection.", nameof(projectionWeights));
        }

        if (scoreWeights.Length != heads * ScorerWidth)
        {
            throw new ArgumentException($"Expected {heads} × {ScorerWidth} score weights, got {scoreWeights.Length}.", nameof(scoreWeights));
        }

        ScoreWeights = new Parameter(name + ".score.weight", scoreWeights, applyWeightDecay: true);
        Parameters = Projection is null ? [ScoreWeights] : [Projection, ProjectionBias!, ScoreWeights];
        zeroScoreBias = new float[heads];
        zeroInputBias = new float[inputSize];
    }

    public int InputSize { get; }

    public int Heads { get; }

    public AttentionScoring Scoring { get; }

    /// <summary>Width of the additive scorer's tanh layer; 0 for dot-product scoring.</summary>
    public int AttentionSize { get; }

    /// <summary>Values per pooled sequence: <c>Heads × InputSize</c>.</summary>
    public int OutputSize => Heads * InputSize;

    /// <summary>Additive scoring: <c>W</c>, <c>AttentionSize × InputSize</c> row-major; null for dot product.</summary>
    public Parameter? Projection { get; }

    /// <summary>Additive scoring: <c>b</c>, <c>AttentionSize</c>; null for dot product.</summary>
    public Parameter? ProjectionBias { get; }

    /// <summary>One row per head: <c>v_k</c> (additive, <c>AttentionSize</c> wide) or <c>q_k</c> (dot product, <c>InputSize</c> wide).</summary>
    public Parameter ScoreWeights { get; }

    /// <summary>Factor applied to the raw scores: <c>1/√InputSize</c> for dot product, 1 for additive.</summary>
    public float ScoreScale => Scoring == AttentionScoring.DotProduct ? 1f / MathF.Sqrt(InputSize) : 1f;

    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Width of the vectors the score weights are dotted with.</summary>
    private int ScorerWidth => Scoring == AttentionScoring.Additive ? AttentionSize : InputSize;

    /// <summary>
    /// A layer with random weights: projection Glorot-uniform (±√(6 / (in + attention))), biases zero, score
    /// vectors uniform in ±√(6 / (width + heads)) so heads start different and attention starts close to uniform.
    /// </summary>
    public static AttentionPoolingLayer CreateRandom(
        int inputSize, int heads, AttentionScoring scoring, int attentionSize, SeededRandom random, string name = "attention")
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        float[]? projection = null, bias = null;
        var width = inputSize;
        if (scoring == AttentionScoring.Additive)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(attentionSize);
            projection = RandomArray(attentionSize * inputSize, MathF.Sqrt(6f / (inputSize + attentionSize)), random);
            bias = new float[attentionSize];
            width = attentionSize;
        }

        var scores = RandomArray(heads * width, MathF.Sqrt(6f / (width + heads)), random);
        return new AttentionPoolingLayer(inputSize, heads, scoring, scoring == AttentionScoring.Additive ? attentionSize : 0, projection, bias, scores, name);
    }

    /// <summary>
    /// Pools each of <paramref name="sequences"/> sequences of the ragged batch <paramref name="values"/> into
    /// <c>Heads × InputSize</c> values of <paramref name="output"/> (row <c>i</c> for sequence <c>i</c>). Every
    /// sequence needs at least one position. <paramref name="state"/> keeps what <see cref="Backward"/> needs.
    /// Reads only <paramref name="values"/> and the weights, so concurrent calls with their own states are safe.
    /// </summary>
    public void Forward(float[] values, ReadOnlySpan<int> offsets, int sequences, float[] output, AttentionPoolingState state)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(state);
        var positions = CheckBatch(values, offsets, sequences);
        if (output.Length < sequences * OutputSize)
        {
            throw new ArgumentException($"The output holds fewer than {sequences} × {OutputSize} values.", nameof(output));
        }

        state.EnsureForward(positions, Heads, AttentionSize);
        var weights = state.Weights;
        var scorerInput = ScorerInput(values, positions, state);
        MatrixKernels.MultiplyTransposedAddBias(scorerInput, positions, ScoreWeights.Value, Heads, ScorerWidth, zeroScoreBias, weights);
        var scale = ScoreScale;
        if (scale != 1f)
        {
            TensorPrimitives.Multiply(weights.AsSpan(0, positions * Heads), scale, weights.AsSpan(0, positions * Heads));
        }

        var bounds = offsets[..(sequences + 1)].ToArray();
        int heads = Heads, inputSize = InputSize, outputSize = OutputSize;
        ParallelRows.For(sequences, (long)(positions / sequences + 1) * outputSize, s =>
        {
            int start = bounds[s], end = bounds[s + 1];
            for (var k = 0; k < heads; k++)
            {
                SoftmaxStrided(weights, start, end, heads, k);
                var pooled = new Span<float>(output, (s * outputSize) + (k * inputSize), inputSize);
                pooled.Clear();
                for (var t = start; t < end; t++)
                {
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(values, t * inputSize, inputSize), weights[(t * heads) + k], pooled, pooled);
                }
            }
        });
    }

    /// <summary>
    /// Given the loss gradient with respect to the output of the last <see cref="Forward"/> with
    /// <paramref name="state"/>, adds the gradients of the weights to their <see cref="Parameter.Gradient"/> and
    /// ADDS the gradient with respect to the values to <paramref name="valuesGradient"/> (unless null), so
    /// several poolings of the same values can share one gradient buffer.
    /// </summary>
    public void Backward(
        float[] values, ReadOnlySpan<int> offsets, int sequences, float[] outputGradient, float[]? valuesGradient, AttentionPoolingState state)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(outputGradient);
        ArgumentNullException.ThrowIfNull(state);
        var positions = CheckBatch(values, offsets, sequences);
        if (valuesGradient is not null && valuesGradient.Length < positions * InputSize)
        {
            throw new ArgumentException($"The values gradient holds fewer than {positions} × {InputSize} values.", nameof(valuesGradient));
        }

        state.EnsureBackward(positions, Heads, AttentionSize, InputSize);
        var weights = state.Weights;
        var scoreGradients = state.ScoreGradients;
        var bounds = offsets[..(sequences + 1)].ToArray();
        int heads = Heads, inputSize = InputSize, outputSize = OutputSize;
        var scale = ScoreScale;

        // Through the weighted sums: da_t = g_k · x_t; ds_t = a_t (da_t − Σ_j a_j da_j); dx_t += a_t g_k.
        ParallelRows.For(sequences, (long)(positions / sequences + 1) * outputSize * 2, s =>
        {
            int start = bounds[s], end = bounds[s + 1];
            for (var k = 0; k < heads; k++)
            {
                var gradient = new ReadOnlySpan<float>(outputGradient, (s * outputSize) + (k * inputSize), inputSize);
                double expected = 0;
                for (var t = start; t < end; t++)
                {
                    var da = TensorPrimitives.Dot(gradient, new ReadOnlySpan<float>(values, t * inputSize, inputSize));
                    scoreGradients[(t * heads) + k] = da;
                    expected += weights[(t * heads) + k] * (double)da;
                }

                for (var t = start; t < end; t++)
                {
                    var a = weights[(t * heads) + k];
                    scoreGradients[(t * heads) + k] = (float)(a * (scoreGradients[(t * heads) + k] - expected)) * scale;
                    if (valuesGradient is not null)
                    {
                        var row = new Span<float>(valuesGradient, t * inputSize, inputSize);
                        TensorPrimitives.MultiplyAdd(gradient, a, row, row);
                    }
                }
            }
        });

        var scorerInput = Scoring == AttentionScoring.Additive ? state.Activations : values;
        MatrixKernels.AccumulateOuterProducts(scoreGradients, scorerInput, positions, Heads, ScorerWidth, ScoreWeights.Gradient);
        if (Scoring == AttentionScoring.DotProduct)
        {
            if (valuesGradient is not null)
            {
                AddScoreInputGradient(scoreGradients, positions, ScoreWeights.Value, inputSize, valuesGradient);
            }

            return;
        }

        // Additive: dz[t,:] = (Σ_k ds[t,k] v_k) ⊙ (1 − tanh²).
        var activations = state.Activations;
        var activationGradients = state.ActivationGradients;
        var attentionSize = AttentionSize;
        AddScoreInputGradient(scoreGradients, positions, ScoreWeights.Value, attentionSize, activationGradients, overwrite: true);
        ParallelRows.For(positions, attentionSize, t =>
        {
            for (var i = t * attentionSize; i < (t + 1) * attentionSize; i++)
            {
                var y = activations[i];
                activationGradients[i] *= 1f - (y * y);
            }
        });

        var projection = Projection!;
        var biasGradient = ProjectionBias!.Gradient;
        for (var t = 0; t < positions; t++)
        {
            TensorPrimitives.Add(biasGradient, new ReadOnlySpan<float>(activationGradients, t * attentionSize, attentionSize), biasGradient);
        }

        MatrixKernels.AccumulateOuterProducts(activationGradients, values, positions, attentionSize, inputSize, projection.Gradient);
        if (valuesGradient is null)
        {
            return;
        }

        // dx[t,:] += Σ_a dz[t,a] W[a,:], as one blocked product with Wᵀ.
        var transposed = new float[inputSize * attentionSize];
        for (var a = 0; a < attentionSize; a++)
        {
            for (var d = 0; d < inputSize; d++)
            {
                transposed[(d * attentionSize) + a] = projection.Value[(a * inputSize) + d];
            }
        }

        var fromScorer = state.ScorerInputGradients;
        MatrixKernels.MultiplyTransposedAddBias(activationGradients, positions, transposed, inputSize, attentionSize, zeroInputBias, fromScorer);
        TensorPrimitives.Add(valuesGradient.AsSpan(0, positions * inputSize), fromScorer.AsSpan(0, positions * inputSize), valuesGradient.AsSpan(0, positions * inputSize));
    }

    /// <summary>A deep copy (weights copied, gradients zero).</summary>
    public AttentionPoolingLayer Clone() => new(
        InputSize,
        Heads,
        Scoring,
        AttentionSize,
        Projection is null ? null : (float[])Projection.Value.Clone(),
        ProjectionBias is null ? null : (float[])ProjectionBias.Value.Clone(),
        (float[])ScoreWeights.Value.Clone(),
        name);

    /// <summary>In place: softmax of <c>buffer[t·stride + k]</c> over <c>t</c> in [start, end).</summary>
    private static void SoftmaxStrided(float[] buffer, int start, int end, int stride, int k)
    {
        var max = float.NegativeInfinity;
        for (var t = start; t < end; t++)
        {
            max = MathF.Max(max, buffer[(t * stride) + k]);
        }

        var sum = 0f;
        for (var t = start; t < end; t++)
        {
            var e = MathF.Exp(buffer[(t * stride) + k] - max);
            buffer[(t * stride) + k] = e;
            sum += e;
        }

        var inverse = 1f / sum;
        for (var t = start; t < end; t++)
        {
            buffer[(t * stride) + k] *= inverse;
        }
    }

    /// <summary><c>target[t,:] (+)= Σ_k ds[t,k] · w_k</c> for the score weights <c>w</c> (<c>heads × width</c>).</summary>
    private void AddScoreInputGradient(float[] scoreGradients, int positions, float[] scoreWeights, int width, float[] target, bool overwrite = false)
    {
        var heads = Heads;
        ParallelRows.For(positions, (long)heads * width, t =>
        {
            var row = new Span<float>(target, t * width, width);
            if (overwrite)
            {
                row.Clear();
            }

            for (var k = 0; k < heads; k++)
            {
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(scoreWeights, k * width, width), scoreGradients[(t * heads) + k], row, row);
            }
        });
    }

    private static float[] RandomArray(int length, float bound, SeededRandom random)
    {
        var values = new float[length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSymmetric(bound);
        }

        return values;
    }

    /// <summary>The scorer's input: tanh(W·x + b) for additive scoring (computed here), else the values.</summary>
    private float[] ScorerInput(float[] values, int positions, AttentionPoolingState state)
    {
        if (Scoring != AttentionScoring.Additive)
        {
            return values;
        }

        var activations = state.Activations;
        MatrixKernels.MultiplyTransposedAddBias(values, positions, Projection!.Value, AttentionSize, InputSize, ProjectionBias!.Value, activations);
        TensorPrimitives.Tanh(activations.AsSpan(0, positions * AttentionSize), activations.AsSpan(0, positions * AttentionSize));
        return activations;
    }

    private int CheckBatch(float[] values, ReadOnlySpan<int> offsets, int sequences)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequences);
        if (offsets.Length < sequences + 1 || offsets[0] != 0)
        {
            throw new ArgumentException($"Expected {sequences + 1} offsets starting at 0.", nameof(offsets));
        }

        for (var s = 0; s < sequences; s++)
        {
            if (offsets[s + 1] <= offsets[s])
            {
                throw new ArgumentException($"Sequence {s} has no positions.", nameof(offsets));
            }
        }

        var positions = offsets[sequences];
        if (values.Length < positions * InputSize)
        {
            throw new ArgumentException($"The values hold fewer than {positions} × {InputSize} numbers.", nameof(values));
        }

        return positions;
    }
}
