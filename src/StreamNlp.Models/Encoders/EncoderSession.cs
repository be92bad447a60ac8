using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.Models.Encoders;

/// <summary>
/// Owns the encoder's ONNX Runtime session. <see cref="Run"/> pads a batch of tokenized texts to
/// its longest member and returns the encoder inputs and its <c>last_hidden_state</c>, which every
/// task head then reads: one encoder pass per micro-batch. The graph is loaded with every hidden layer exposed
/// (<see cref="EncoderLayerOutputs"/>); a run fetches the intermediate layers its caller asks for (a layer-mix
/// head's inputs) from the same pass, and no others.
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
        (_session, Blocks) = CreateWithLayers(files, sessions);
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

    /// <summary>The number of transformer blocks: layers 0 (embeddings) to <see cref="Blocks"/> (<c>last_hidden_state</c>).</summary>
    public int Blocks { get; }

    /// <summary>
    /// Runs the encoder once over the batch; also fetches the intermediate <paramref name="layers"/> (0 …
    /// <see cref="Blocks"/> − 1; the last layer is always fetched). The caller disposes the result.
    /// </summary>
    public EncodedBatch Run(IReadOnlyList<TokenizedText> texts, RunOptions? runOptions = null, IReadOnlyCollection<int>? layers = null)
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
            var extra = (layers ?? []).Where(l => l != Blocks).Distinct().Order().ToArray();
            foreach (var layer in extra)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(layer);
                ArgumentOutOfRangeException.ThrowIfGreaterThan(layer, Blocks);
            }

            string[] outputNames = [_outputName, .. extra.Select(l => HeadContract.LayerStates(l, Blocks))];
            var outputs = _session.Run(runOptions ?? options!, _inputNames, feed, outputNames);
            var hidden = outputs[0];
            var layerStates = new Dictionary<int, OrtValue>(extra.Length + 1) { [Blocks] = hidden };
            for (var i = 0; i < extra.Length; i++)
            {
                layerStates[extra[i]] = outputs[i + 1];
            }

            return new EncodedBatch(texts, batch, seq, HiddenSize, hidden, inputs[AttentionMask], outputs, mask) { Layers = layerStates, Blocks = Blocks };
        }
        finally
        {
            inputs[InputIds].Dispose();
            inputs[TokenTypeIds].Dispose();
        }
    }


    /// <summary>
    /// The session over the graph with every layer exposed. The rewritten graph is written beside the verified one
    /// (copied as it is, the layer outputs appended; <see cref="EncoderLayerOutputs.ExposeFile"/>) and ONNX Runtime
    /// loads it from that file, which is deleted once loaded. Parsing the whole graph in managed memory and passing ONNX
    /// Runtime a byte array instead raised `bench enrich`'s peak RSS from 379–385 MiB to 572–586 MiB.
    /// </summary>
    private static (InferenceSession Session, int Blocks) CreateWithLayers(EncoderFiles files, SessionFactory sessions)
    {
        var path = Path.Combine(Path.GetDirectoryName(files.ModelPath)!, $".{Path.GetFileNameWithoutExtension(files.ModelPath)}.layers.{Environment.ProcessId}.{Guid.NewGuid():N}.onnx");
        try
        {
            var blocks = EncoderLayerOutputs.ExposeFile(files.ModelPath, path);
            return (sessions.Create(path), blocks);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public void Dispose() => _session.Dispose();
}
