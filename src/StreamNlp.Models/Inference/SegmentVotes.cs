using StreamNlp.Core.Tasks;

namespace StreamNlp.Models.Inference;

/// <summary>
/// Combines a head's per-segment probabilities into the text's: the weighted mean of the log-probabilities,
/// renormalized (a product of experts, as naive Bayes combines evidence). Sentiment weighs every sentence alike: each is
/// one verdict, and a long sentence is not a stronger one. Topic weighs each sentence by its tokens: topical evidence
/// grows with the words. On the dev sets (docs/SEGMENTATION.md) these were the better of the two rules for each task;
/// a one-segment text keeps its probabilities exactly.
/// </summary>
public static class SegmentVotes
{
    private const float Floor = 1e-7f;

    /// <summary>How much a segment of <paramref name="tokens"/> positions counts in its text: its tokens for topic, 1 otherwise.</summary>
    public static double Weight(NlpTask task, int tokens) => task == NlpTask.Classification ? tokens : 1;

    /// <summary>
    /// <paramref name="probabilities"/>: one row of <paramref name="labels"/> probabilities per segment;
    /// <paramref name="tokens"/>: each segment's positions.
    /// </summary>
    public static float[] Combine(NlpTask task, IReadOnlyList<float[]> probabilities, IReadOnlyList<int> tokens, int labels)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(tokens);
        if (probabilities.Count == 1)
        {
            return probabilities[0];
        }

        var sums = new double[labels];
        double total = 0;
        for (var s = 0; s < probabilities.Count; s++)
        {
            var weight = Weight(task, tokens[s]);
            total += weight;
            for (var l = 0; l < labels; l++)
            {
                sums[l] += weight * Math.Log(Math.Max(probabilities[s][l], Floor));
            }
        }

        var max = double.NegativeInfinity;
        for (var l = 0; l < labels; l++)
        {
            sums[l] /= total;
            max = Math.Max(max, sums[l]);
        }

        double norm = 0;
        for (var l = 0; l < labels; l++)
        {
            sums[l] = Math.Exp(sums[l] - max);
            norm += sums[l];
        }

        var combined = new float[labels];
        for (var l = 0; l < labels; l++)
        {
            combined[l] = (float)(sums[l] / norm);
        }

        return combined;
    }
}
