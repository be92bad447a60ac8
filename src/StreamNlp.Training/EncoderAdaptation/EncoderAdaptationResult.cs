namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>The tuned blocks and the dev figures of the adaptation heads, before tuning (heads only) and after.</summary>
public sealed record EncoderAdaptationResult(
    IReadOnlyList<TransformerBlock> Blocks,
    IReadOnlyDictionary<string, double> Before,
    IReadOnlyDictionary<string, double> After,
    int Steps,
    TimeSpan Elapsed);
