using System.Numerics.Tensors;

namespace StreamNlp.Training.Adapters;

/// <summary>
/// A residual "domain adapter" next to a frozen champion head: a linear map of the mean-pooled encoder vector whose
/// output is added to the champion's log-probabilities before the softmax,
/// <c>p = softmax(log p_champion(x) + W·pool(x) + b)</c>. With W = 0 and b = 0 it is the champion exactly, so it can only
/// move the champion where the feedback pulls it, and an L2 penalty keeps it near zero elsewhere. Trained by full-batch
/// Adam on a weighted cross-entropy (feedback and replay each carry a set share of the loss). Hand-written because it
/// is a few dozen lines of a convex problem on cached features; the head engine's layers train one network, not an
/// offset added to another model's output.
/// </summary>
public sealed class ResidualAdapter
{
    /// <param name="weights">Row-major <c>classes × dimension</c>.</param>
    /// <param name="bias">One per class.</param>
    public ResidualAdapter(float[] weights, float[] bias, int dimension)
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
    }

    /// <summary>Row-major <c>classes × dimension</c>.</summary>
    public float[] Weights { get; }

    public float[] Bias { get; }

    public int Dimension { get; }

    public int ClassCount => Bias.Length;

    /// <summary>Adapted probabilities of one example: softmax of the champion's log-probabilities plus the correction.</summary>
    public float[] Probabilities(ReadOnlySpan<float> features, ReadOnlySpan<float> championLogProbabilities)
    {
        var logits = new float[ClassCount];
        for (var c = 0; c < ClassCount; c++)
        {
            logits[c] = championLogProbabilities[c] + Bias[c] + TensorPrimitives.Dot(Weights.AsSpan(c * Dimension, Dimension), features);
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
    public static ResidualAdapter Train(
        float[] features, int dimension, float[] championLogProbabilities, int[] gold, bool[] isFeedback, ResidualAdapterOptions options,
        CancellationToken cancellationToken = default)
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

        var feedbackCount = isFeedback.Count(f => f);
        var replayCount = n - feedbackCount;
        var feedbackShare = feedbackCount == 0 ? 0 : replayCount == 0 ? 1 : options.FeedbackShare;
        var rowWeight = isFeedback.Select(f => (float)(f ? feedbackShare / feedbackCount : (1 - feedbackShare) / replayCount)).ToArray();

        var weights = new float[classes * dimension];
        var bias = new float[classes];
        var gradW = new float[weights.Length];
        var gradB = new float[classes];
        var adamW = new AdamState(weights.Length);
        var adamB = new AdamState(classes);
        var logits = new float[classes];
        for (var step = 1; step <= options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Array.Clear(gradW);
            Array.Clear(gradB);
            for (var i = 0; i < n; i++)
            {
                var x = features.AsSpan(i * dimension, dimension);
                for (var c = 0; c < classes; c++)
                {
                    logits[c] = championLogProbabilities[(i * classes) + c] + bias[c] + TensorPrimitives.Dot(weights.AsSpan(c * dimension, dimension), x);
                }

                TensorPrimitives.SoftMax(logits, logits);
                for (var c = 0; c < classes; c++)
                {
                    var delta = rowWeight[i] * (logits[c] - (c == gold[i] ? 1f : 0f));
                    gradB[c] += delta;
                    TensorPrimitives.MultiplyAdd(x, delta, gradW.AsSpan(c * dimension, dimension), gradW.AsSpan(c * dimension, dimension));
                }
            }

            TensorPrimitives.MultiplyAdd(weights, (float)options.L2, gradW, gradW);
            adamW.Step(weights, gradW, (float)options.LearningRate, step);
            adamB.Step(bias, gradB, (float)options.LearningRate, step);
        }

        return new ResidualAdapter(weights, bias, dimension);
    }

    /// <summary>Adam's moment estimates for one parameter array (β1 0.9, β2 0.999, ε 1e-8).</summary>
    private sealed class AdamState(int size)
    {
        private readonly float[] m = new float[size];
        private readonly float[] v = new float[size];

        public void Step(float[] parameters, float[] gradient, float learningRate, int step)
        {
            const float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;
            var correction1 = 1 - MathF.Pow(beta1, step);
            var correction2 = 1 - MathF.Pow(beta2, step);
            for (var i = 0; i < parameters.Length; i++)
            {
                m[i] = (beta1 * m[i]) + ((1 - beta1) * gradient[i]);
                v[i] = (beta2 * v[i]) + ((1 - beta2) * gradient[i] * gradient[i]);
                parameters[i] -= learningRate * (m[i] / correction1) / (MathF.Sqrt(v[i] / correction2) + epsilon);
            }
        }
    }
}
