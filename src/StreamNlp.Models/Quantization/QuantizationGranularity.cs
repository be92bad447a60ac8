namespace StreamNlp.Models.Quantization;

/// <summary>How many scales an int8 weight matrix gets.</summary>
public enum QuantizationGranularity
{
    /// <summary>One scale for the whole matrix.</summary>
    PerTensor,

    /// <summary>
    /// One scale per output channel (per column of B in <c>A × B</c>): a column with small weights is
    /// not rounded on the grid of the largest weight of the matrix.
    /// </summary>
    PerColumn,
}
