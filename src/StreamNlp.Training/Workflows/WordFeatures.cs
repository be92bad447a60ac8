using StreamNlp.Models.Tokenization;

namespace StreamNlp.Training.Workflows;

/// <summary>
/// Per-word features of a data set: text <c>i</c>'s words are rows <c>Offsets[i]</c> to
/// <c>Offsets[i + 1]</c> of <see cref="Features"/> (each <see cref="Dimension"/> wide).
/// </summary>
public sealed record WordFeatures(IReadOnlyList<TokenizedText> Texts, int[] Offsets, float[] Features, int Dimension)
{
    public int WordCount => Offsets[^1];
}
