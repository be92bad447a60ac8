using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using StreamNlp.Core.Hashing;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Quantization;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.Models.Heads;

/// <summary>
/// One task head version: its ONNX session and manifest. <see cref="Run"/> reads the shared encoder
/// output of a batch and returns the head's probabilities, row-major ([batch, labels] for sequence
/// heads, [batch, seq, tags] for token heads). When the sessions serve the int8 encoder
/// (<see cref="InferenceSettings.Int8Heads"/>), the head graph is quantized in memory at load with
/// <see cref="Int8HeadRecipe.Default"/>; the file on disk, and its manifest hash, stay the fp32 graph as trained.
/// </summary>
public sealed class TaskHead : IDisposable
{
    private readonly InferenceSession _session;
    private readonly bool _isTokenHead;

    public TaskHead(NlpTask task, string versionDirectory, HeadManifest manifest, SessionFactory sessions)
    {
        Task = task;
        Manifest = manifest;
        var path = Path.Combine(versionDirectory, HeadContract.FileName);
        if (sessions.Settings.Int8Heads)
        {
            // Quantize exactly the bytes the manifest names (the registry checked the file a moment ago; this read is
            // the one that counts).
            var bytes = File.ReadAllBytes(path);
            if (manifest.Files.TryGetValue(HeadContract.FileName, out var expected) && !string.Equals(FileHash.Sha256Of(bytes), expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelIntegrityException($"{path}: SHA-256 does not match {HeadContract.ManifestFileName}; refusing to load it.");
            }

            ModelProto model;
            try
            {
                model = ModelProto.Parser.ParseFrom(bytes);
            }
            catch (Google.Protobuf.InvalidProtocolBufferException ex)
            {
                throw new ModelIntegrityException($"ONNX Runtime could not load {path}: it is not an ONNX graph ({ex.Message})");
            }

            Quantization = Int8HeadRecipe.Default.Quantize(model);
            _session = sessions.Create(model.ToByteArray());
        }
        else
        {
            _session = sessions.Create(path);
        }

        _isTokenHead = _session.InputMetadata.ContainsKey(HeadContract.TokenFeatures);
        EncoderLayers = [.. _session.InputMetadata.Keys
            .Where(n => n.StartsWith(HeadContract.LayerStatesPrefix, StringComparison.Ordinal))
            .Select(n => HeadContract.LayerOf(n, int.MaxValue)
                ?? throw new ModelIntegrityException($"{versionDirectory}: head input '{n}' does not name an encoder layer."))
            .Order()];
        if (!_session.InputMetadata.ContainsKey(HeadContract.HiddenStates) || !_session.OutputMetadata.ContainsKey(HeadContract.Probabilities))
        {
            throw new ModelIntegrityException(
                $"{versionDirectory}: head must take '{HeadContract.HiddenStates}' and give '{HeadContract.Probabilities}'.");
        }

        if (_isTokenHead != (task == NlpTask.Ner))
        {
            throw new ModelIntegrityException($"{versionDirectory}: a {task.ToName()} head must be a {(task == NlpTask.Ner ? "token" : "sequence")} head.");
        }
    }

    public NlpTask Task { get; }

    /// <summary>What was quantized at load; null when the head runs as trained (fp32).</summary>
    public HeadQuantizationReport? Quantization { get; }

    public HeadManifest Manifest { get; }

    public string Version => Manifest.Version;

    public IReadOnlyList<string> Labels => Manifest.Labels;

    /// <summary>The intermediate encoder layers this head reads besides <c>last_hidden_state</c> (a layer mix); empty for most heads.</summary>
    public IReadOnlyList<int> EncoderLayers { get; }

    /// <summary>Runs the head on an encoded batch; returns its probabilities as a managed array.</summary>
    public float[] Run(EncodedBatch batch, RunOptions runOptions)
    {
        // Feed exactly the inputs the graph declares: every head takes the hidden states; sequence heads
        // the attention mask; token heads the shape features (and the mask, when they look at neighbours).
        using var features = _isTokenHead
            ? OrtValue.CreateTensorValueFromMemory(BuildTokenFeatures(batch), [batch.BatchSize, batch.SequenceLength, TokenShapeFeatures.Count])
            : null;
        var names = new List<string>(3);
        var values = new List<OrtValue>(3);
        foreach (var input in _session.InputNames)
        {
            names.Add(input);
            values.Add(input switch
            {
                HeadContract.HiddenStates => batch.HiddenStates,
                HeadContract.AttentionMask => batch.AttentionMask,
                HeadContract.TokenFeatures when features is not null => features,
                _ when HeadContract.LayerOf(input, int.MaxValue) is { } layer && batch.Layers.TryGetValue(layer, out var states) => states,
                _ when HeadContract.LayerOf(input, int.MaxValue) is { } layer => throw new ModelIntegrityException(
                    $"{Task.ToName()} head {Version} reads encoder layer {layer}, which the encoder did not give (it has {batch.Blocks} blocks)."),
                _ => throw new ModelIntegrityException($"{Task.ToName()} head {Version} has an unknown input '{input}'."),
            });
        }

        using var outputs = _session.Run(runOptions, names, values, [HeadContract.Probabilities]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Shape features of the word under each position; zeros for [CLS], [SEP] and padding.</summary>
    public static float[] BuildTokenFeatures(EncodedBatch batch)
    {
        var f = TokenShapeFeatures.Count;
        var features = new float[batch.BatchSize * batch.SequenceLength * f];
        for (var b = 0; b < batch.BatchSize; b++)
        {
            TokenShapeFeatures.ComputeForPositions(batch.Texts[b], features.AsSpan(b * batch.SequenceLength * f));
        }

        return features;
    }

    public void Dispose() => _session.Dispose();
}
