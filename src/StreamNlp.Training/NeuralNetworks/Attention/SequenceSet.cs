using StreamNlp.Training.Workflows;

namespace StreamNlp.Training.NeuralNetworks.Attention;

/// <summary>
/// Variable-length sequences of position vectors with one class label each: sequence <c>i</c> is rows
/// <c>Offsets[i]</c> to <c>Offsets[i + 1]</c> of <see cref="States"/> (<see cref="HiddenSize"/> wide), e.g. the
/// encoder states [CLS] … [SEP] of a text (<see cref="TokenStates"/>).
/// </summary>
public sealed class SequenceSet
{
    /// <summary>The texts of <paramref name="states"/> with their labels.</summary>
    public SequenceSet(TokenStates states, int[] labels, int classCount)
        : this(states?.States!, states?.Offsets!, states?.HiddenSize ?? 0, labels, classCount)
    {
    }

    /// <exception cref="ArgumentException">The sizes disagree, a sequence is empty or a label is outside <c>[0, classCount)</c>.</exception>
    public SequenceSet(float[] states, int[] offsets, int hiddenSize, int[] labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (offsets.Length != labels.Length + 1 || offsets[0] != 0)
        {
            throw new ArgumentException($"{labels.Length} labels need {labels.Length + 1} offsets starting at 0, got {offsets.Length}.", nameof(offsets));
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (offsets[i + 1] <= offsets[i])
            {
                throw new ArgumentException($"Sequence {i} has no positions.", nameof(offsets));
            }

            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"Label {labels[i]} of sequence {i} is not in [0, {classCount}).", nameof(labels));
            }
        }

        if (states.LongLength != (long)offsets[^1] * hiddenSize)
        {
            throw new ArgumentException($"{offsets[^1]} positions × {hiddenSize} need {(long)offsets[^1] * hiddenSize} values, got {states.LongLength}.", nameof(states));
        }

        States = states;
        Offsets = offsets;
        HiddenSize = hiddenSize;
        Labels = labels;
        ClassCount = classCount;
    }

    /// <summary>All position vectors, <c>PositionCount × HiddenSize</c>, row-major.</summary>
    public float[] States { get; }

    /// <summary><c>Count + 1</c> row offsets into <see cref="States"/>.</summary>
    public int[] Offsets { get; }

    public int HiddenSize { get; }

    public int[] Labels { get; }

    public int ClassCount { get; }

    /// <summary>Number of sequences.</summary>
    public int Count => Labels.Length;

    public int PositionCount => Offsets[^1];

    /// <summary>Number of positions of sequence <paramref name="index"/>.</summary>
    public int Length(int index) => Offsets[index + 1] - Offsets[index];

    /// <summary>The position vectors of sequence <paramref name="index"/>, <c>Length × HiddenSize</c>.</summary>
    public ReadOnlySpan<float> StatesOf(int index) => States.AsSpan(Offsets[index] * HiddenSize, Length(index) * HiddenSize);

    /// <summary>How many sequences each class has.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[ClassCount];
        foreach (var label in Labels)
        {
            counts[label]++;
        }

        return counts;
    }
}
