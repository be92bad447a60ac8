using Microsoft.ML.OnnxRuntime;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.Models.Encoders;

/// <summary>
/// Owns the encoder's ONNX Runtime session. <see cref="Run"/> pads a batch of tokenized texts to
/// its longest member and returns the encoder inputs and its <c>last_hidden_state</c>, which every
/// task head then reads: one encoder pass per micro-batch.
/// </summary>
public sealed class EncoderSession : IDisposable
{
    private const string InputIds = "input_ids";
    private const string AttentionMask = "attention_mask";
    private const string TokenTypeIds = "token_type_ids";
    private const string LastHiddenState = "last_hidden_state";

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string _outputName;

    public EncoderSession(EncoderFiles files, SessionFactory sessions)
    {
        Files = files;
        _session = sessions.Create(files.ModelPath);
        _inputNames = [.. _session.InputMetadata.Keys];
        foreach (var name in _inputNames)
        {
            if (name is not (InputIds or AttentionMask or TokenTypeIds))
            {
                throw new InvalidDataException($"Encoder {files.Descriptor.Name} has an unexpected input '{name}'.");
            }
        }

        _outputName = _session.OutputMetadata.ContainsKey(LastHiddenState)
            ? LastHiddenState
            : _session.OutputMetadata.Keys.First();
    }

    public EncoderFiles Files { get; }

    public int HiddenSize => Files.Descriptor.HiddenSize;

    /// <summary>Runs the encoder once over the batch. The caller disposes the result.</summary>
    public EncodedBatch Run(IReadOnlyList<TokenizedText> texts, RunOptions? runOptions = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(texts.Count);
        var batch = texts.Count;
        var seq = texts.Max(t => t.Length);
        var ids = new long[batch * seq];
        var mask = new long[batch * seq];
        var types = new long[batch * seq];
        for (var b = 0; b < batch; b++)
        {
            var t = texts[b];
            t.Ids.CopyTo(ids, b * seq);
            mask.AsSpan(b * seq, t.Length).Fill(1);
        }

        long[] shape = [batch, seq];
        var inputs = new Dictionary<string, OrtValue>(3)
        {
            [InputIds] = OrtValue.CreateTensorValueFromMemory(ids, shape),
            [AttentionMask] = OrtValue.CreateTensorValueFromMemory(mask, shape),
            [TokenTypeIds] = OrtValue.CreateTensorValueFromMemory(types, shape),
        };
        try
        {
            var feed = _inputNames.Select(n => inputs[n]).ToArray();
            using var options = runOptions is null ? new RunOptions() : null;
            var outputs = _session.Run(runOptions ?? options!, _inputNames, feed, [_outputName]);
            var hidden = outputs[0];
            return new EncodedBatch(texts, batch, seq, HiddenSize, hidden, inputs[AttentionMask], outputs, mask);
        }
        finally
        {
            inputs[InputIds].Dispose();
            inputs[TokenTypeIds].Dispose();
        }
    }

    public void Dispose() => _session.Dispose();
}
