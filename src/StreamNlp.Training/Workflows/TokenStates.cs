using StreamNlp.Models.Tokenization;

namespace StreamNlp.Training.Workflows;

/// <summary>
/// The encoder's hidden state at every position ([CLS] … [SEP], no padding) of each text: text
/// <c>i</c> occupies rows <c>Offsets[i]</c> to <c>Offsets[i + 1]</c> of <see cref="States"/>, each
/// <see cref="HiddenSize"/> wide. <see cref="Shape"/> holds the matching
/// <see cref="TokenShapeFeatures"/> rows (zeros for [CLS] and [SEP]). This is what sequence-aware
/// heads (attention, recurrent, convolutional) train on.
/// </summary>
public sealed record TokenStates(IReadOnlyList<TokenizedText> Texts, int[] Offsets, float[] States, float[] Shape, int HiddenSize)
{
    /// <summary>
    /// Intermediate encoder layers' states, by layer, laid out like <see cref="States"/> (which holds the last layer);
    /// empty unless asked for (a layer-mix head is scored on them).
    /// </summary>
    public IReadOnlyDictionary<int, float[]> Layers { get; init; } = new Dictionary<int, float[]>();

    public int PositionCount => Offsets[^1];

    public int Length(int text) => Offsets[text + 1] - Offsets[text];

    public ReadOnlySpan<float> StatesOf(int text) => States.AsSpan(Offsets[text] * HiddenSize, Length(text) * HiddenSize);

    public ReadOnlySpan<float> ShapeOf(int text) => Shape.AsSpan(Offsets[text] * TokenShapeFeatures.Count, Length(text) * TokenShapeFeatures.Count);

    /// <summary>One <see cref="TokenStates"/> holding the texts of <paramref name="parts"/> in order; a single part is returned as it is.</summary>
    public static TokenStates Concatenate(IReadOnlyList<TokenStates> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var offsets = new List<int> { 0 };
        foreach (var part in parts)
        {
            var shift = offsets[^1];
            offsets.AddRange(part.Offsets.Skip(1).Select(o => o + shift));
        }

        return new TokenStates(
            [.. parts.SelectMany(p => p.Texts)],
            [.. offsets],
            ArrayConcatenation.Concatenate([.. parts.Select(p => p.States)]),
            ArrayConcatenation.Concatenate([.. parts.Select(p => p.Shape)]),
            parts[0].HiddenSize)
        {
            Layers = parts[0].Layers.Keys
                .Where(l => parts.All(p => p.Layers.ContainsKey(l)))
                .ToDictionary(l => l, l => ArrayConcatenation.Concatenate([.. parts.Select(p => p.Layers[l])])),
        };
    }
}
