namespace StreamNlp.Training.NeuralNetworks.Convolution;

/// <summary>
/// A CoNLL data set prepared for a <see cref="ConvolutionalTokenHead"/>: every position's encoder state with a
/// BIO label at each word's first sub-token (-1 elsewhere), and for each sentence the index of each CoNLL token's
/// first word (-1 when truncation cut it off), to map word predictions back onto CoNLL tokens.
/// </summary>
public sealed record ConvolutionalNerData(TokenSequenceSet Set, IReadOnlyList<int[]> TokenFirstWord);
