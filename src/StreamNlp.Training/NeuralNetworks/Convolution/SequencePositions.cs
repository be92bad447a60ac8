namespace StreamNlp.Training.NeuralNetworks.Convolution;

/// <summary>
/// The rows of a stacked batch of sequences (no padding: each sequence's positions are consecutive rows) at
/// which a <see cref="Conv1DLayer"/> is evaluated, each with the row range <c>[start, end)</c> of its own
/// sequence, so a window never reaches into a neighbouring sequence: outside the range it reads zeros, which is
/// exactly what zero-masking a padded batch and convolving with 'same' padding gives. Reused between batches.
/// </summary>
public sealed class SequencePositions
{
    private int[] rows = new int[16];
    private int[] starts = new int[16];
    private int[] ends = new int[16];

    /// <summary>Number of rows to evaluate.</summary>
    public int Count { get; private set; }

    /// <summary>Every row of sequences laid out by <paramref name="offsets"/> (sequence s is rows offsets[s] .. offsets[s + 1]).</summary>
    public static SequencePositions All(ReadOnlySpan<int> offsets)
    {
        var positions = new SequencePositions();
        for (var s = 0; s + 1 < offsets.Length; s++)
        {
            positions.AddSequence(offsets[s], offsets[s + 1] - offsets[s]);
        }

        return positions;
    }

    /// <summary>The stacked row of entry <paramref name="index"/>.</summary>
    public int Row(int index) => rows[index];

    /// <summary>The first row of the sequence of entry <paramref name="index"/>.</summary>
    public int Start(int index) => starts[index];

    /// <summary>One past the last row of the sequence of entry <paramref name="index"/>.</summary>
    public int End(int index) => ends[index];

    public void Clear() => Count = 0;

    /// <summary>Adds row <paramref name="row"/>, which belongs to the sequence occupying rows <c>[start, end)</c>.</summary>
    public void Add(int row, int start, int end)
    {
        if (start < 0 || row < start || row >= end)
        {
            throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is not inside its sequence [{start}, {end}).");
        }

        if (Count == rows.Length)
        {
            var size = rows.Length * 2;
            Array.Resize(ref rows, size);
            Array.Resize(ref starts, size);
            Array.Resize(ref ends, size);
        }

        rows[Count] = row;
        starts[Count] = start;
        ends[Count] = end;
        Count++;
    }

    /// <summary>Adds every row of the sequence occupying rows <c>[start, start + length)</c>.</summary>
    public void AddSequence(int start, int length)
    {
        for (var row = start; row < start + length; row++)
        {
            Add(row, start, start + length);
        }
    }
}
