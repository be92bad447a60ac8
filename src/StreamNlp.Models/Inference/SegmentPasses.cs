namespace StreamNlp.Models.Inference;

/// <summary>
/// Groups the segments of a batch into encoder passes. With no waste limit, all of them are one pass (padded to the
/// longest). With one, segments are sorted by length and a pass closes when the next segment would push its padding
/// waste (padded ÷ real positions − 1) above the limit: the sentences of a long review are 10–60 positions each, and
/// padding them all to the longest would compute up to twice the positions for nothing.
/// </summary>
public static class SegmentPasses
{
    /// <summary>Indices into <paramref name="lengths"/>, one array per pass.</summary>
    public static IReadOnlyList<int[]> Plan(IReadOnlyList<int> lengths, double maxPaddingWaste)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        if (lengths.Count == 0)
        {
            return [];
        }

        return double.IsPositiveInfinity(maxPaddingWaste)
            ? [[.. Enumerable.Range(0, lengths.Count)]]
            : Plan(lengths, maxPaddingWaste, static (_, _, _) => true);
    }

    /// <summary>
    /// The greedy cut shared with the worker's runs of records (<c>LengthGrouping</c>): items sorted by length (ties in
    /// input order); a group closes when <paramref name="admits"/>(count, longest, next length) refuses the next item or
    /// it would push the padding waste above <paramref name="maxPaddingWaste"/>.
    /// </summary>
    public static IReadOnlyList<int[]> Plan(IReadOnlyList<int> lengths, double maxPaddingWaste, Func<int, int, int, bool> admits)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(admits);
        var passes = new List<int[]>();
        var current = new List<int>();
        long real = 0;
        var longest = 0;
        foreach (var index in Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ThenBy(i => i))
        {
            var length = Math.Max(1, lengths[index]);
            if (current.Count > 0)
            {
                var padded = (long)(current.Count + 1) * Math.Max(longest, length);
                if (!admits(current.Count, longest, length) || (padded / (double)(real + length)) - 1 > maxPaddingWaste)
                {
                    passes.Add([.. current]);
                    current.Clear();
                    real = 0;
                    longest = 0;
                }
            }

            current.Add(index);
            real += length;
            longest = Math.Max(longest, length);
        }

        if (current.Count > 0)
        {
            passes.Add([.. current]);
        }

        return passes;
    }

    /// <summary>Padded positions of these passes (segments × longest, per pass).</summary>
    public static long PaddedTokens(IReadOnlyList<int> lengths, IEnumerable<int[]> passes) =>
        passes.Sum(pass => (long)pass.Length * pass.Max(i => Math.Max(1, lengths[i])));
}
