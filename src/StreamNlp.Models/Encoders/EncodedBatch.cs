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

    /// <summary>
    /// A batch built from encoder states computed earlier (e.g. cached for training): each text's
    /// rows (<c>[CLS]</c> … <c>[SEP]</c>, <paramref name="hiddenSize"/> floats each) are padded to the
    /// longest text with zeros and a zero mask, exactly as <see cref="EncoderSession.Run"/> lays them out.
    /// Lets a head be scored on cached states without running the encoder again.
    /// </summary>
    public static EncodedBatch FromStates(IReadOnlyList<TokenizedText> texts, IReadOnlyList<ReadOnlyMemory<float>> states, int hiddenSize)
    {
        var batch = texts.Count;
        var seq = texts.Max(t => t.Length);
        var hidden = new float[batch * seq * hiddenSize];
        var mask = new long[batch * seq];
        for (var b = 0; b < batch; b++)
        {
            states[b].Span.CopyTo(hidden.AsSpan(b * seq * hiddenSize));
            mask.AsSpan(b * seq, texts[b].Length).Fill(1);
        }

        var hiddenValue = OrtValue.CreateTensorValueFromMemory(hidden, [batch, seq, hiddenSize]);
        var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [batch, seq]);
        return new EncodedBatch(texts, batch, seq, hiddenSize, hiddenValue, maskValue, hiddenValue, mask);
    }

    public void Dispose()
    {
        outputs.Dispose();
        AttentionMask.Dispose();
    }
}
