namespace StreamNlp.Models.Inference;

/// <summary>
/// What <see cref="ModelBundle.AnnotateSegmented"/> gives: one annotation per text, in input order, and what the encoder
/// computed for them (passes, and padded positions: segments × longest segment, summed over the passes).
/// </summary>
public sealed record AnnotatedBatch(IReadOnlyList<TextAnnotation> Annotations, int EncoderPasses, long PaddedTokens);
