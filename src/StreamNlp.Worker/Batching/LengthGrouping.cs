using StreamNlp.Models.Inference;

namespace StreamNlp.Worker.Batching;

/// <summary>
/// Groups a window of records into encoder runs of similar token length. A run is padded to its longest
/// record, so mixing a 20-token text with a 120-token one makes the encoder compute 100 positions for
/// nothing; on real news text, runs in arrival order computed 2.3–2.5 positions per real token
/// (<c>streamnlp bench enrich</c>). Records are sorted by length and cut greedily: a run closes when the
/// next record would break <see cref="Run"/> (records, padded tokens) or push its padding waste,
/// padded ÷ real tokens − 1, above <see cref="MaxPaddingWaste"/>. Output order is not affected: the
/// caller delivers the window's records in arrival order once every run is done.
/// </summary>
public sealed record LengthGrouping(BatchPolicy Run, double MaxPaddingWaste)
{
    /// <summary>Indices into <paramref name="lengths"/>, one array per encoder run, shortest run first.</summary>
    public IReadOnlyList<int[]> Plan(IReadOnlyList<int> lengths) => SegmentPasses.Plan(lengths, MaxPaddingWaste, Run.Admits);

    /// <summary>Padded tokens of these runs (records × longest, per run).</summary>
    public static long PaddedTokens(IReadOnlyList<int> lengths, IEnumerable<int[]> runs) => SegmentPasses.PaddedTokens(lengths, runs);
}
