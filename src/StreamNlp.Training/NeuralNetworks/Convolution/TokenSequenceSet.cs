using StreamNlp.Models.Tokenization;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Training.NeuralNetworks.Convolution;

/// <summary>
/// Training data of a sequence-aware token head: the encoder states (and shape features) of every position of
/// each text, and one label per position, <c>-1</c> where the position is not scored (for NER everything but a
/// word's first sub-token: [CLS], [SEP] and continuation pieces still feed the convolution as context).
/// </summary>
public sealed class TokenSequenceSet
{
    /// <exception cref="ArgumentException">The labels do not match the positions, or one is outside <c>[-1, tagCount)</c>.</exception>
    public TokenSequenceSet(TokenStates states, int[] labels, int tagCount)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tagCount);
        if (labels.Length != states.PositionCount)
        {
            throw new ArgumentException($"Expected one label per position ({states.PositionCount}), got {labels.Length}.", nameof(labels));
        }

        if (states.States.Length != states.PositionCount * states.HiddenSize
            || states.Shape.Length != states.PositionCount * TokenShapeFeatures.Count)
        {
            throw new ArgumentException("The states or shape features do not cover every position.", nameof(states));
        }

        var labelled = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < -1 || labels[i] >= tagCount)
            {
                throw new ArgumentException($"Label {labels[i]} at position {i} is not in [-1, {tagCount}).", nameof(labels));
            }

            if (labels[i] >= 0)
            {
                labelled++;
            }
        }

        States = states;
        Labels = labels;
        TagCount = tagCount;
        LabelledCount = labelled;
    }

    public TokenStates States { get; }

    /// <summary>One label per position (same rows as <see cref="TokenStates.States"/>); -1 = not scored.</summary>
    public int[] Labels { get; }

    public int TagCount { get; }

    /// <summary>Number of sequences.</summary>
    public int Count => States.Offsets.Length - 1;

    /// <summary>Number of positions with a label.</summary>
    public int LabelledCount { get; }

    public int HiddenSize => States.HiddenSize;

    /// <summary>Width of the shape features (<see cref="TokenShapeFeatures.Count"/>).</summary>
    public int FeatureCount => TokenShapeFeatures.Count;

    /// <summary>Number of positions of sequence <paramref name="sequence"/>.</summary>
    public int Length(int sequence) => States.Length(sequence);

    /// <summary>The labels of sequence <paramref name="sequence"/>'s positions.</summary>
    public ReadOnlySpan<int> LabelsOf(int sequence) =>
        Labels.AsSpan(States.Offsets[sequence], States.Length(sequence));

    /// <summary>Labelled positions per tag.</summary>
    public int[] CountPerTag()
    {
        var counts = new int[TagCount];
        foreach (var label in Labels)
        {
            if (label >= 0)
            {
                counts[label]++;
            }
        }

        return counts;
    }
}
