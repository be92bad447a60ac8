namespace StreamNlp.Models.Ner;

/// <summary>
/// Constrained decoding of per-word tag probabilities: the tag sequence with the highest total log-probability
/// among the sequences <see cref="BioTagSet"/> allows, so no ill-formed entity (an <c>I-X</c> that continues
/// nothing) can come out.
/// </summary>
public static class BioViterbiDecoder
{
    /// <summary>Probabilities at or below this are treated as this value, so log(0) never occurs.</summary>
    private const double ProbabilityFloor = 1e-30;

    /// <summary>
    /// Decodes <paramref name="probabilities"/> (<paramref name="words"/> × <c>tags.Count</c>, row-major) into one
    /// tag index per word. Ties go to the lower tag index.
    /// </summary>
    public static int[] Decode(ReadOnlySpan<float> probabilities, int words, BioTagSet tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentOutOfRangeException.ThrowIfNegative(words);
        var tagCount = tags.Count;
        if (probabilities.Length != words * tagCount)
        {
            throw new ArgumentException(
                $"Expected {words} × {tagCount} = {words * tagCount} probabilities, got {probabilities.Length}.",
                nameof(probabilities));
        }

        if (words == 0)
        {
            return [];
        }

        var score = new double[tagCount];
        var next = new double[tagCount];
        var backPointers = new int[words * tagCount];
        for (var tag = 0; tag < tagCount; tag++)
        {
            score[tag] = tags.CanStart(tag) ? LogProbability(probabilities[tag]) : double.NegativeInfinity;
        }

        for (var word = 1; word < words; word++)
        {
            var row = probabilities.Slice(word * tagCount, tagCount);
            for (var to = 0; to < tagCount; to++)
            {
                var best = double.NegativeInfinity;
                var bestFrom = -1;
                for (var from = 0; from < tagCount; from++)
                {
                    if (tags.IsAllowed(from, to) && score[from] > best)
                    {
                        best = score[from];
                        bestFrom = from;
                    }
                }

                backPointers[(word * tagCount) + to] = bestFrom;
                next[to] = bestFrom < 0 ? double.NegativeInfinity : best + LogProbability(row[to]);
            }

            (score, next) = (next, score);
        }

        var last = 0;
        for (var tag = 1; tag < tagCount; tag++)
        {
            if (score[tag] > score[last])
            {
                last = tag;
            }
        }

        var path = new int[words];
        path[words - 1] = last;
        for (var word = words - 1; word > 0; word--)
        {
            path[word - 1] = backPointers[(word * tagCount) + path[word]];
        }

        return path;
    }

    private static double LogProbability(float probability) =>
        probability > ProbabilityFloor ? Math.Log(probability) : Math.Log(ProbabilityFloor);
}
