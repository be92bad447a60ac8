using StreamNlp.Models.Tokenization;

namespace StreamNlp.Models.Segmentation;

/// <summary>
/// One encoder sequence of a text: <see cref="Tokens"/> tokenizes the characters from <see cref="Offset"/> on (its spans
/// index that piece, so a span in the whole text is <see cref="Offset"/> plus the piece's span).
/// </summary>
public sealed record TextSegment(int Offset, TokenizedText Tokens);
