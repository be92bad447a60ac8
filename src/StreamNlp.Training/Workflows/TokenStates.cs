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
    /// Intermediate encoder layers, by layer, as each text's masked mean (<c>texts × hidden</c>, row-major): what a
    /// layer-mix head reads of them (it mean-pools every layer). Per-position states of every layer would be seven
    /// times <see cref="States"/>; the pooled vectors are as small as one position per text. Empty unless asked for.
    /// </summary>
    public IReadOnlyDictionary<int, float[]> PooledLayers { get; init; } = new Dictionary<int, float[]>();

    /// <summary>Each text's masked mean of the last layer (<see cref="States"/>), <c>texts × hidden</c>, row-major.</summary>
    public float[] PooledLastLayer()
    {
        var pooled = new float[Texts.Count * HiddenSize];
        for (var i = 0; i < Texts.Count; i++)
        {
            var target = pooled.AsSpan(i * HiddenSize, HiddenSize);
            var rows = StatesOf(i);
            var length = Length(i);
            for (var t = 0; t < length; t++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(target, rows.Slice(t * HiddenSize, HiddenSize), target);
            }

            System.Numerics.Tensors.TensorPrimitives.Divide(target, Math.Max(length, 1), target);
        }

        return pooled;
    }

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
            PooledLayers = parts[0].PooledLayers.Keys
                .Where(l => parts.All(p => p.PooledLayers.ContainsKey(l)))
                .ToDictionary(l => l, l => ArrayConcatenation.Concatenate([.. parts.Select(p => p.PooledLayers[l])])),
        };
    }
}
