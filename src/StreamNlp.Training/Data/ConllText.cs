using StreamNlp.Models.Tokenization;

namespace StreamNlp.Training.Data;

/// <summary>A CoNLL sentence as plain text, with each token's character range <c>[Start, End)</c> in it.</summary>
public sealed record ConllText(string Text, IReadOnlyList<TextSpan> TokenSpans);
