using System.Numerics.Tensors;

namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// Softmax over each row of logits and the cross-entropy loss against integer labels, optionally weighted per
/// class. With weights <c>w</c>, the loss is <c>Σ w[y]·(−log p[y]) / Σ w[y]</c> over the rows (PyTorch's
/// <c>CrossEntropyLoss(weight=w)</c>); without, the plain mean.
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>Numerically stable softmax of each of the <paramref name="rows"/> rows of <paramref name="logits"/>.</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities, int rows, int classes)
    {
        for (var row = 0; row < rows; row++)
        {
            SoftmaxRow(logits.Slice(row * classes, classes), probabilities.Slice(row * classes, classes));
        }
    }

    /// <summary>
    /// Computes the (weighted) mean loss of <paramref name="rows"/> rows of logits, writes their softmax into
    /// <paramref name="probabilities"/> and, unless <paramref name="logitsGradient"/> is empty, the gradient of the
    /// loss with respect to the logits: <c>w[y]·(p − onehot(y)) / Σ w[y]</c>.
    /// </summary>
    /// <param name="classWeights">One weight per class, or empty for none.</param>
    public static double Compute(
        ReadOnlySpan<float> logits,
        ReadOnlySpan<int> labels,
        int rows,
        int classes,
        ReadOnlySpan<float> classWeights,
        Span<float> probabilities,
        Span<float> logitsGradient)
    {
        if (logits.Length < rows * classes || probabilities.Length < rows * classes || labels.Length < rows)
        {
            throw new ArgumentException("The buffers are shorter than rows × classes.");
        }

        if (!classWeights.IsEmpty && classWeights.Length != classes)
        {
            throw new ArgumentException($"Expected {classes} class weights, got {classWeights.Length}.", nameof(classWeights));
        }

        double weightedLoss = 0, weightSum = 0;
        for (var row = 0; row < rows; row++)
        {
            var label = labels[row];
            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"Label {label} of row {row} is not in [0, {classes}).");
            }

            var logSumExp = SoftmaxRow(logits.Slice(row * classes, classes), probabilities.Slice(row * classes, classes));
            var weight = classWeights.IsEmpty ? 1.0 : classWeights[label];
            weightedLoss += weight * (logSumExp - logits[(row * classes) + label]);
            weightSum += weight;
        }

        if (!logitsGradient.IsEmpty)
        {
            var scale = weightSum > 0 ? 1.0 / weightSum : 0.0;
            for (var row = 0; row < rows; row++)
            {
                var label = labels[row];
                var weight = (float)((classWeights.IsEmpty ? 1.0 : classWeights[label]) * scale);
                var gradient = logitsGradient.Slice(row * classes, classes);
                TensorPrimitives.Multiply(probabilities.Slice(row * classes, classes), weight, gradient);
                gradient[label] -= weight;
            }
        }

        return weightSum > 0 ? weightedLoss / weightSum : 0.0;
    }

    /// <summary>How many of the <c>labels.Length</c> rows of <paramref name="probabilities"/> put their largest value on the row's label.</summary>
    public static int CountCorrect(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, int classes)
    {
        var correct = 0;
        for (var row = 0; row < labels.Length; row++)
        {
            if (TensorPrimitives.IndexOfMax(probabilities.Slice(row * classes, classes)) == labels[row])
            {
                correct++;
            }
        }

        return correct;
    }

    /// <summary>"Balanced" class weights <c>N / (classes · count)</c> from per-class counts summing to N; 0 for a class without examples.</summary>
    public static float[] BalancedWeights(IReadOnlyList<int> counts, long total)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var weights = new float[counts.Count];
        for (var c = 0; c < counts.Count; c++)
        {
            weights[c] = counts[c] == 0 ? 0f : (float)total / (counts.Count * counts[c]);
        }

        return weights;
    }

    /// <summary>Writes softmax(<paramref name="logits"/>) and returns log Σ exp(logits).</summary>
    private static double SoftmaxRow(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        var max = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, max, probabilities);
        TensorPrimitives.Exp(probabilities, probabilities);
        var sum = TensorPrimitives.Sum(probabilities);
        TensorPrimitives.Divide(probabilities, sum, probabilities);
        return max + Math.Log(sum);
    }
}
