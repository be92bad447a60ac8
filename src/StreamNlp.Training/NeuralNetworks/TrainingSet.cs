namespace StreamNlp.Training.NeuralNetworks;

/// <summary>Feature vectors (<c>Count × Dimension</c>, row-major) with one class index each.</summary>
public sealed class TrainingSet
{
    /// <exception cref="ArgumentException">The sizes disagree or a label is outside <c>[0, classCount)</c>.</exception>
    public TrainingSet(float[] features, int dimension, int[] labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (features.Length != (long)labels.Length * dimension)
        {
            throw new ArgumentException(
                $"{labels.Length} labels × {dimension} dimensions need {(long)labels.Length * dimension} features, got {features.Length}.",
                nameof(features));
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"Label {labels[i]} of example {i} is not in [0, {classCount}).", nameof(labels));
            }
        }

        Features = features;
        Dimension = dimension;
        Labels = labels;
        ClassCount = classCount;
    }

    public float[] Features { get; }

    public int Dimension { get; }

    public int[] Labels { get; }

    public int ClassCount { get; }

    /// <summary>Number of examples.</summary>
    public int Count => Labels.Length;

    /// <summary>The features of example <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Row(int index) => Features.AsSpan(index * Dimension, Dimension);

    /// <summary>How many examples each class has.</summary>
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
