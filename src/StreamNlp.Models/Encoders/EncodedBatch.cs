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

    /// <summary>
    /// The encoder layers fetched for this batch, by layer (0 = embeddings … <see cref="Blocks"/> =
    /// <see cref="HiddenStates"/>), each float [batch, seq, hidden]; owned with the rest of the outputs.
    /// </summary>
    public IReadOnlyDictionary<int, OrtValue> Layers { get; init; } = new Dictionary<int, OrtValue>();

    /// <summary>The encoder's number of transformer blocks (the index of the last layer); 0 when not known.</summary>
    public int Blocks { get; init; }

    /// <summary>Layer <paramref name="layer"/>'s states as managed memory, row-major [batch, seq, hidden].</summary>
    public ReadOnlySpan<float> LayerData(int layer) =>
        layer == Blocks
            ? HiddenStatesData
            : Layers.TryGetValue(layer, out var value)
                ? value.GetTensorDataAsSpan<float>()
                : throw new InvalidOperationException($"Encoder layer {layer} was not fetched for this batch.");

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

    /// <summary>
    /// A batch whose every layer holds one position per text: each text's pooled vector of that layer
    /// (<paramref name="lastLayer"/> for <see cref="HiddenStates"/>, <paramref name="layers"/> for intermediate ones),
    /// with a mask of ones. For a head that mean-pools every layer it reads (a layer mix), this gives exactly what the
    /// full states give, from vectors as small as one position per text. <see cref="Texts"/> keeps the real texts for
    /// their lengths; <see cref="SequenceLength"/> is 1.
    /// </summary>
    public static EncodedBatch FromPooledStates(
        IReadOnlyList<TokenizedText> texts,
        IReadOnlyList<ReadOnlyMemory<float>> lastLayer,
        int hiddenSize,
        IReadOnlyDictionary<int, IReadOnlyList<ReadOnlyMemory<float>>> layers)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(layers);
        var batch = texts.Count;
        var mask = new long[batch];
        mask.AsSpan().Fill(1);

        OrtValue OnePosition(IReadOnlyList<ReadOnlyMemory<float>> rows)
        {
            var values = new float[batch * hiddenSize];
            for (var b = 0; b < batch; b++)
            {
                rows[b].Span.CopyTo(values.AsSpan(b * hiddenSize, hiddenSize));
            }

            return OrtValue.CreateTensorValueFromMemory(values, [batch, 1, hiddenSize]);
        }

        var hiddenValue = OnePosition(lastLayer);
        var layerValues = layers.ToDictionary(l => l.Key, l => OnePosition(l.Value));
        var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [batch, 1]);
        return new EncodedBatch(texts, batch, 1, hiddenSize, hiddenValue, maskValue, new OwnedValues([hiddenValue, .. layerValues.Values]), mask) { Layers = layerValues };
    }

    private sealed class OwnedValues(IReadOnlyList<OrtValue> values) : IDisposable
    {
        public void Dispose()
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    public void Dispose()
    {
        outputs.Dispose();
        AttentionMask.Dispose();
    }
}
