namespace StreamNlp.Models.Segmentation;

/// <summary>
/// How a text is cut into encoder sequences (setting <c>StreamNlp:Models:Segmentation</c>).
/// </summary>
public enum TextSegmentation
{
    /// <summary>
    /// One sequence per sentence (<see cref="SentenceSplitter"/>), within the text's token budget. The heads score each
    /// sentence and the text's labels combine them (<see cref="Inference.SegmentVotes"/>); entities keep their offsets in
    /// the whole text. A one-sentence text is exactly one sequence, as with <see cref="None"/>.
    /// </summary>
    Sentences,

    /// <summary>The whole text as one sequence, cut at the token budget.</summary>
    None,
}
