namespace StreamNlp.Models.Heads;

/// <summary>
/// The names and shapes every task-head ONNX graph agrees on, so one encoder run can feed all heads.
/// <list type="bullet">
/// <item>Sequence heads (classification, sentiment): inputs <see cref="HiddenStates"/> float [batch, seq, hidden]
/// and <see cref="AttentionMask"/> int64 [batch, seq]; output <see cref="Probabilities"/> float [batch, labels].</item>
/// <item>Token heads (NER): inputs <see cref="HiddenStates"/> float [batch, seq, hidden] and
/// <see cref="TokenFeatures"/> float [batch, seq, <see cref="Tokenization.TokenShapeFeatures.Count"/>];
/// output <see cref="Probabilities"/> float [batch, seq, tags] (softmax over BIO tags per sub-token).
/// A token head that looks at neighbouring positions (e.g. a convolution) also takes
/// <see cref="AttentionMask"/>, so padding never leaks into real positions.</item>
/// </list>
/// </summary>
public static class HeadContract
{
    public const string HiddenStates = "last_hidden_state";
    public const string AttentionMask = "attention_mask";
    public const string TokenFeatures = "token_features";
    public const string Probabilities = "probabilities";
    public const string FileName = "head.onnx";
    public const string ManifestFileName = "manifest.json";

    /// <summary>Prefix of the inputs that take an intermediate encoder layer (see <see cref="LayerStates"/>).</summary>
    public const string LayerStatesPrefix = "hidden_states_";

    /// <summary>
    /// The input name under which a head reads encoder layer <paramref name="layer"/> (0 = the embeddings, 1…N the
    /// transformer blocks) of an encoder with <paramref name="blocks"/> blocks: <c>hidden_states_{layer}</c>, and
    /// <see cref="HiddenStates"/> for the last block. Every layer has the shape of <see cref="HiddenStates"/>.
    /// </summary>
    public static string LayerStates(int layer, int blocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(layer, blocks);
        return layer == blocks ? HiddenStates : LayerStatesPrefix + layer.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The layer an input named by <see cref="LayerStates"/> reads, or null for any other input.</summary>
    public static int? LayerOf(string inputName, int blocks)
    {
        ArgumentNullException.ThrowIfNull(inputName);
        if (inputName == HiddenStates)
        {
            return blocks;
        }

        return inputName.StartsWith(LayerStatesPrefix, StringComparison.Ordinal)
            && int.TryParse(inputName.AsSpan(LayerStatesPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var layer)
            && layer < blocks
                ? layer
                : null;
    }
}
