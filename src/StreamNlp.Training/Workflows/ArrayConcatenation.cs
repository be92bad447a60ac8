namespace StreamNlp.Training.Workflows;

/// <summary>Joins the per-part arrays of a data set read in parts (base data, feedback) into one.</summary>
public static class ArrayConcatenation
{
    /// <summary>The arrays one after another, in one array; a single array is returned as it is.</summary>
    public static T[] Concatenate<T>(IReadOnlyList<T[]> arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        if (arrays.Count == 1)
        {
            return arrays[0];
        }

        var result = new T[arrays.Sum(a => (long)a.Length)];
        var position = 0L;
        foreach (var array in arrays)
        {
            Array.Copy(array, 0, result, position, array.Length);
            position += array.Length;
        }

        return result;
    }
}
