using Microsoft.ML.OnnxRuntime;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.Models.Encoders;

/// <summary>
/// The encoder's output for one padded batch: <see cref="HiddenStates"/> float [batch, seq, hidden]
/// and the <see cref="AttentionMask"/> int64 [batch, seq] it was computed with. Owns both native values.
/// </summary>
public sealed class EncodedBatch(
    IReadOnlyList<TokenizedText> texts,
    int batchSize,
    int sequenceLength,
    int hiddenSize,
    OrtValue hiddenStates,
    OrtValue attentionMask,
    IDisposable outputs,
    long[] attentionMaskData) : IDisposable
{
    public IReadOnlyList<TokenizedText> Texts { get; } = texts;

    public int BatchSize { get; } = batchSize;

    public int SequenceLength { get; } = sequenceLength;

    public int HiddenSize { get; } = hiddenSize;

    public OrtValue HiddenStates { get; } = hiddenStates;

    public OrtValue AttentionMask { get; } = attentionMask;

    /// <summary>The mask as managed memory (the buffer <see cref="AttentionMask"/> wraps).</summary>
    public ReadOnlySpan<long> AttentionMaskData => attentionMaskData;

    /// <summary>The hidden states as managed memory, row-major [batch, seq, hidden].</summary>
    public ReadOnlySpan<float> HiddenStatesData => HiddenStates.GetTensorDataAsSpan<float>();

    public void Dispose()
    {
        outputs.Dispose();
        AttentionMask.Dispose();
    }
}
