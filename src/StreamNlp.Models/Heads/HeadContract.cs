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
}
