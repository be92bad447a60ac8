using StreamNlp.Models.Tokenization;
using StreamNlp.Training.Workflows;

namespace StreamNlp.UnitTests.Training.NeuralNetworks.Convolution;

/// <summary>Builds <see cref="TokenStates"/> from raw arrays (placeholder tokenized texts) for convolution tests.</summary>
internal static class SyntheticSequences
{
    /// <summary>States and shape features for sequences of the given lengths, stacked.</summary>
    public static TokenStates States(int[] lengths, float[] states, float[] shape, int hiddenSize)
    {
        var offsets = Offsets(lengths);
        Assert.Equal(offsets[^1] * hiddenSize, states.Length);
        Assert.Equal(offsets[^1] * TokenShapeFeatures.Count, shape.Length);
        return new TokenStates([.. lengths.Select(Placeholder)], offsets, states, shape, hiddenSize);
    }

    /// <summary>Random states and shape features (N(0, 1)) for sequences of the given lengths.</summary>
    public static TokenStates RandomStates(Random random, int[] lengths, int hiddenSize)
    {
        var positions = lengths.Sum();
        return States(
            lengths,
            GradientChecker.RandomValues(random, positions * hiddenSize),
            GradientChecker.RandomValues(random, positions * TokenShapeFeatures.Count),
            hiddenSize);
    }

    public static int[] Offsets(int[] lengths)
    {
        var offsets = new int[lengths.Length + 1];
        for (var i = 0; i < lengths.Length; i++)
        {
            offsets[i + 1] = offsets[i] + lengths[i];
        }

        return offsets;
    }

    private static TokenizedText Placeholder(int length) => new()
    {
        Text = string.Empty,
        Ids = new long[length],
        Starts = new int[length],
        Ends = new int[length],
        WordIndex = Enumerable.Repeat(-1, length).ToArray(),
        Words = [],
        WordFirstToken = [],
        Truncated = false,
    };
}
