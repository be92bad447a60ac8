namespace StreamNlp.Training.Workflows;

/// <summary>
/// A CoNLL data set aligned to the tokenizer's words: per-word features and BIO labels, and for
/// each sentence the index of each CoNLL token's first word (-1 when truncation cut it off).
/// </summary>
public sealed record NerData(WordFeatures Features, int[] WordLabels, IReadOnlyList<int[]> TokenFirstWord);
