namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// Padding waste of a sequence of encoder batches: every text in a batch is padded to the batch's longest,
/// so the encoder computes <c>count × longest</c> positions for <c>Σ lengths</c> real ones. The ratio says
/// how much of the encoder's work went on padding ([CLS] and [SEP] count as real tokens).
/// </summary>
internal sealed class PaddingTally
{
    public int Batches { get; private set; }

    public long RealTokens { get; private set; }

    public long PaddedTokens { get; private set; }

    /// <summary>Padded ÷ real tokens: 1.0 means no padding at all; NaN before any batch.</summary>
    public double Waste => RealTokens == 0 ? double.NaN : (double)PaddedTokens / RealTokens;

    /// <summary>Adds one batch, given each text's length in tokens.</summary>
    public void Add(IReadOnlyCollection<int> lengths)
    {
        if (lengths.Count == 0)
        {
            return;
        }

        if (lengths.Any(l => l <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(lengths), "Every text has at least one token.");
        }

        Batches++;
        RealTokens += lengths.Sum(l => (long)l);
        PaddedTokens += (long)lengths.Count * lengths.Max();
    }
}
