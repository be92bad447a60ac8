using System.Numerics.Tensors;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Training.Adapters;

/// <summary>
/// A residual "domain adapter" next to a frozen champion head: a linear map of the mean-pooled encoder vector whose
/// output is added to the champion's log-probabilities, scaled by a learned temperature, before the softmax,
/// <c>p = softmax(a·log p_champion(x) + W·pool(x) + b)</c>. With a = 1, W = 0 and b = 0 it is the champion exactly, so
/// it can only move the champion where the data pulls it, and an L2 penalty keeps W near zero elsewhere. The scale
/// <c>a</c> lets a champion that is over-confident on the new domain be overruled by the correction. Trained by full-batch
/// Adam (<see cref="AdamWOptimizer"/> without decoupled decay, an L2 term on W in the gradient) on a weighted cross-entropy (feedback and replay each carry a set share of the loss). Hand-written because it
/// is a few dozen lines of a convex problem on cached features; the head engine's layers train one network, not an
/// offset added to another model's output.
/// </summary>
public sealed class ResidualAdapter
{
    /// <param name="weights">Row-major <c>classes × dimension</c>.</param>
    /// <param name="bias">One per class.</param>
    public ResidualAdapter(float[] weights, float[] bias, int dimension, float championScale = 1f, float[]? gateWeights = null, float gateBias = 0f)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        if (weights.Length != bias.Length * dimension)
        {
            throw new ArgumentException($"Expected {bias.Length} × {dimension} weights, got {weights.Length}.", nameof(weights));
        }

        Weights = weights;
        Bias = bias;
        Dimension = dimension;
        ChampionScale = championScale;
        GateWeights = gateWeights;
        GateBias = gateBias;
    }

    /// <summary>The domain gate's weights (null: no gate, the correction applies everywhere).</summary>
    public float[]? GateWeights { get; }

    public float GateBias { get; }

    /// <summary>The width of the gate's input (the adapter's input unless it was trained on separate gate features).</summary>
    public int GateDimension => GateWeights?.Length ?? Dimension;

    /// <summary>How much of the correction applies to an input, from its gate features: <c>σ(v·z + c)</c>, 1 without a gate.</summary>
    public float Gate(ReadOnlySpan<float> features) =>
        GateWeights is null ? 1f : Sigmoid(TensorPrimitives.Dot(GateWeights, features) + GateBias);

    /// <summary>The factor <c>a</c> on the champion's log-probabilities.</summary>
    public float ChampionScale { get; }

    /// <summary>Row-major <c>classes × dimension</c>.</summary>
    public float[] Weights { get; }

    public float[] Bias { get; }

    public int Dimension { get; }

    public int ClassCount => Bias.Length;

    /// <summary>Adapted probabilities of one example: softmax of the champion's log-probabilities plus the correction.</summary>
    /// <param name="features">The adapter's input.</param>
    /// <param name="championLogProbabilities">The logarithm of the champion's probabilities.</param>
    /// <param name="gateFeatures">The gate's input when it differs from <paramref name="features"/> (token adapters: the sentence's mean).</param>
    public float[] Probabilities(ReadOnlySpan<float> features, ReadOnlySpan<float> championLogProbabilities, ReadOnlySpan<float> gateFeatures = default)
    {
        var logits = new float[ClassCount];
        var gate = Gate(gateFeatures.IsEmpty ? features : gateFeatures);
        var scale = 1f - (gate * (1f - ChampionScale));
        for (var c = 0; c < ClassCount; c++)
        {
            logits[c] = (scale * championLogProbabilities[c]) + (gate * (Bias[c] + TensorPrimitives.Dot(Weights.AsSpan(c * Dimension, Dimension), features)));
        }

        TensorPrimitives.SoftMax(logits, logits);
        return logits;
    }

    /// <summary>
    /// Trains an adapter. Examples are rows of <paramref name="features"/> (<c>n × dimension</c>) with the champion's
    /// log-probabilities (<c>n × classes</c>, the logarithm of what its ONNX graph outputs) and a gold class each.
    /// Rows flagged in <paramref name="isFeedback"/> share <see cref="ResidualAdapterOptions.FeedbackShare"/> of the
    /// loss equally; the others share the rest (all of it when there is no feedback row, and vice versa).
    /// </summary>
    /// <param name="gateFeatures">The gate's input per example (<c>n × gateDimension</c>), when it is not <paramref name="features"/>.</param>
    /// <param name="gateDimension">The width of <paramref name="gateFeatures"/>.</param>
    /// <param name="groups">
    /// Rows that are the sentences of one labelled text share a group id (the others: null, or their own ids): a group is
    /// one example whose probabilities are the renormalized <paramref name="memberWeights"/>-weighted mean of its rows'
    /// log-probabilities, as the worker combines a text's sentences, and the loss is on that (all its rows carry the
    /// text's gold class and flag). The gradient on each row's logits is then its weight times (text probabilities − gold).
    /// </param>
    /// <param name="memberWeights">Each row's weight within its group (summing to 1 per group); null: equal.</param>
    public static ResidualAdapter Train(
        float[] features, int dimension, float[] championLogProbabilities, int[] gold, bool[] isFeedback, ResidualAdapterOptions options,
        CancellationToken cancellationToken = default, float[]? gateFeatures = null, int gateDimension = 0, int[]? groups = null, float[]? memberWeights = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(championLogProbabilities);
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(isFeedback);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var n = gold.Length;
        if (n == 0 || features.Length != n * dimension || isFeedback.Length != n || championLogProbabilities.Length % n != 0)
        {
            throw new ArgumentException($"Inconsistent adapter data: {n} examples, {features.Length} feature values for dimension {dimension}, " +
                $"{championLogProbabilities.Length} champion values, {isFeedback.Length} flags.");
        }

        var classes = championLogProbabilities.Length / n;
        if (gold.Any(g => g < 0 || g >= classes))
        {
            throw new ArgumentException($"A gold class is outside 0..{classes - 1}.", nameof(gold));
        }

        // Examples: a group of rows (one text's sentences) or a row alone.
        var example = new int[n];
        var examples = 0;
        var firstOfGroup = new Dictionary<int, int>();
        for (var i = 0; i < n; i++)
        {
            if (groups is null || !firstOfGroup.TryGetValue(groups[i], out example[i]))
            {
                example[i] = examples++;
                if (groups is not null)
                {
                    firstOfGroup[groups[i]] = example[i];
                }
            }
        }

        var members = new int[examples];
        foreach (var e in example)
        {
            members[e]++;
        }

        var member = memberWeights ?? [.. example.Select(e => 1f / members[e])];
        if (member.Length != n)
        {
            throw new ArgumentException($"Expected {n} member weights, got {member.Length}.", nameof(memberWeights));
        }

        var exampleIsFeedback = new bool[examples];
        for (var i = 0; i < n; i++)
        {
            exampleIsFeedback[example[i]] = isFeedback[i];
        }

        var feedbackCount = exampleIsFeedback.Count(f => f);
        var replayCount = examples - feedbackCount;
        var feedbackShare = feedbackCount == 0 ? 0 : replayCount == 0 ? 1 : options.FeedbackShare;
        var rowWeight = Enumerable.Range(0, n)
            .Select(i => member[i] * (float)(exampleIsFeedback[example[i]] ? feedbackShare / feedbackCount : (1 - feedbackShare) / replayCount)).ToArray();

        // The domain gate first: a logistic regression telling feedback rows from replayed rows, both halves weighted equally.
        float[]? gateWeights = null;
        var gateBias = 0f;
        var gate = Enumerable.Repeat(1f, n).ToArray();
        if (gateFeatures is null)
        {
            gateFeatures = features;
            gateDimension = dimension;
        }
        else if (gateDimension <= 0 || gateFeatures.Length != n * gateDimension)
        {
            throw new ArgumentException($"Expected {n} × {gateDimension} gate feature values, got {gateFeatures.Length}.", nameof(gateFeatures));
        }

        if (options.DomainGate && feedbackCount > 0 && replayCount > 0)
        {
            (gateWeights, gateBias) = TrainGate(gateFeatures, gateDimension, isFeedback, feedbackCount, replayCount, options, cancellationToken);
            for (var i = 0; i < n; i++)
            {
                gate[i] = Sigmoid(TensorPrimitives.Dot(gateWeights, gateFeatures.AsSpan(i * gateDimension, gateDimension)) + gateBias);
            }
        }

        // Then the correction, with the gate fixed: logits = (1 − g·(1 − a))·z + g·(W·x + b). Adam with an L2 term in the
        // gradient: the project's AdamWOptimizer without decoupled weight decay.
        var weightsParameter = new Parameter("adapter_weight", new float[classes * dimension], applyWeightDecay: false);
        var biasParameter = new Parameter("adapter_bias", new float[classes], applyWeightDecay: false);
        var scaleParameter = new Parameter("adapter_champion_scale", [1f], applyWeightDecay: false);
        var optimizer = new AdamWOptimizer(
            options.LearnChampionScale ? [weightsParameter, biasParameter, scaleParameter] : [weightsParameter, biasParameter],
            (float)options.LearningRate, weightDecay: 0f);
        var (weights, gradW) = (weightsParameter.Value, weightsParameter.Gradient);
        var (bias, gradB) = (biasParameter.Value, biasParameter.Gradient);
        var (scale, gradScale) = (scaleParameter.Value, scaleParameter.Gradient);
        var logits = new float[classes];
        var exampleProbabilities = new float[examples * classes];
        for (var step = 1; step <= options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            optimizer.ZeroGradients();
            scaleParameter.ZeroGradient();
            // Forward: each example's probabilities, the softmax of its rows' weighted mean logits. That is the renormalized
            // weighted mean of the rows' log-probabilities: a row's log-softmax differs from its logits by a constant, which
            // the softmax cancels. A row alone is its own softmax.
            Array.Clear(exampleProbabilities);
            for (var i = 0; i < n; i++)
            {
                var x = features.AsSpan(i * dimension, dimension);
                var g = gate[i];
                var rowScale = 1f - (g * (1f - scale[0]));
                for (var c = 0; c < classes; c++)
                {
                    logits[c] = (rowScale * championLogProbabilities[(i * classes) + c]) + (g * (bias[c] + TensorPrimitives.Dot(weights.AsSpan(c * dimension, dimension), x)));
                }

                var exampleLogits = exampleProbabilities.AsSpan(example[i] * classes, classes);
                TensorPrimitives.MultiplyAdd(logits, member[i], exampleLogits, exampleLogits);
            }

            for (var e = 0; e < examples; e++)
            {
                var span = exampleProbabilities.AsSpan(e * classes, classes);
                TensorPrimitives.SoftMax(span, span);
            }

            // Backward: the gradient on a row's logits is its weight times (its example's probabilities − gold).
            for (var i = 0; i < n; i++)
            {
                var x = features.AsSpan(i * dimension, dimension);
                var g = gate[i];
                var probabilities = exampleProbabilities.AsSpan(example[i] * classes, classes);
                for (var c = 0; c < classes; c++)
                {
                    var delta = rowWeight[i] * (probabilities[c] - (c == gold[i] ? 1f : 0f));
                    gradB[c] += g * delta;
                    gradScale[0] += g * delta * championLogProbabilities[(i * classes) + c];
                    TensorPrimitives.MultiplyAdd(x, g * delta, gradW.AsSpan(c * dimension, dimension), gradW.AsSpan(c * dimension, dimension));
                }
            }

            TensorPrimitives.MultiplyAdd(weights, (float)options.L2, gradW, gradW);
            optimizer.Step();
            scale[0] = Math.Clamp(scale[0], 0.05f, 1f);
        }

        return new ResidualAdapter(weights, bias, dimension, scale[0], gateWeights, gateBias);
    }

    private static (float[] Weights, float Bias) TrainGate(
        float[] features, int dimension, bool[] isFeedback, int feedbackCount, int replayCount, ResidualAdapterOptions options, CancellationToken cancellationToken)
    {
        var n = isFeedback.Length;
        var weightsParameter = new Parameter("gate_weight", new float[dimension], applyWeightDecay: false);
        var biasParameter = new Parameter("gate_bias", new float[1], applyWeightDecay: false);
        var optimizer = new AdamWOptimizer([weightsParameter, biasParameter], (float)options.LearningRate, weightDecay: 0f);
        var (weights, gradW) = (weightsParameter.Value, weightsParameter.Gradient);
        var (bias, gradB) = (biasParameter.Value, biasParameter.Gradient);
        for (var step = 1; step <= options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            optimizer.ZeroGradients();
            for (var i = 0; i < n; i++)
            {
                var x = features.AsSpan(i * dimension, dimension);
                var p = Sigmoid(TensorPrimitives.Dot(weights, x) + bias[0]);
                var delta = (isFeedback[i] ? 0.5f / feedbackCount : 0.5f / replayCount) * (p - (isFeedback[i] ? 1f : 0f));
                gradB[0] += delta;
                TensorPrimitives.MultiplyAdd(x, delta, gradW, gradW);
            }

            TensorPrimitives.MultiplyAdd(weights, (float)options.L2, gradW, gradW);
            optimizer.Step();
        }

        return (weights, bias[0]);
    }

    private static float Sigmoid(float value) => 1f / (1f + MathF.Exp(-value));
}
