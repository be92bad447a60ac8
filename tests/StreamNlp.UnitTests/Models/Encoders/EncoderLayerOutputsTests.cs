using Microsoft.ML.OnnxRuntime;
using Onnx;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;
using StreamNlp.Training.Workflows;
using StreamNlp.UnitTests.Models.Quantization;

namespace StreamNlp.UnitTests.Models.Encoders;

/// <summary>Every hidden layer of the packaged encoder, from one pass, as graph outputs and as training features.</summary>
public sealed class EncoderLayerOutputsTests(PackagedEncoderFixture encoder) : IClassFixture<PackagedEncoderFixture>
{
    private static readonly string[] Texts = ["Shares of Apple fell 3% in New York.", "what a waste of money", "ok"];

    [Fact]
    public void Expose_AddsOneOutputPerLayerBeforeTheLast_AndKeepsTheOriginalOutputs()
    {
        var model = encoder.LoadModel();
        var before = model.Graph.Output.Select(o => o.Name).ToList();

        var blocks = EncoderLayerOutputs.Expose(model);

        Assert.Equal(6, blocks);
        Assert.Equal([.. before, .. Enumerable.Range(0, 6).Select(l => $"hidden_states_{l}")], model.Graph.Output.Select(o => o.Name));
        Assert.Equal(blocks, EncoderLayerOutputs.Expose(model)); // idempotent: nothing added twice
        Assert.Equal(before.Count + 6, model.Graph.Output.Count);
    }

    [Fact]
    public void ExposeFile_CopiesTheGraphAndAppendsTheLayerOutputs_ParsingAsTheInMemoryRewrite()
    {
        var target = Path.Combine(encoder.Root, "exposed.onnx");
        var expected = encoder.LoadModel();
        var expectedBlocks = EncoderLayerOutputs.Expose(expected);

        var blocks = EncoderLayerOutputs.ExposeFile(encoder.Files.ModelPath, target);
        var written = ModelProto.Parser.ParseFrom(File.ReadAllBytes(target));

        Assert.Equal(expectedBlocks, blocks);
        Assert.Equal(expected.Graph.Output.Select(o => o.Name), written.Graph.Output.Select(o => o.Name));
        Assert.Equal(expected.Graph.Node.Count, written.Graph.Node.Count);
        Assert.Equal(expected.Graph.Initializer.Count, written.Graph.Initializer.Count);
        Assert.Equal(expected.Graph.Node.Select(n => n.OpType + string.Join(",", n.Output)), written.Graph.Node.Select(n => n.OpType + string.Join(",", n.Output)));
        var source = File.ReadAllBytes(encoder.Files.ModelPath);
        Assert.True(File.ReadAllBytes(target).AsSpan(0, source.Length).SequenceEqual(source), "the source graph is copied as it is, the additions after it");
    }

    [Fact]
    public void Expose_OnAGraphWithoutLayerBoundaries_IsRefusedWithTheReason()
    {
        var model = new ModelProto { Graph = new GraphProto() };
        model.Graph.Node.Add(new NodeProto { OpType = "Add", Input = { "a", "b" }, Output = { "c" } });

        var error = Assert.Throws<InvalidDataException>(() => EncoderLayerOutputs.Expose(model));

        Assert.Contains("layer boundaries", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WithLayers_GivesDistinctLayersFromOnePass_AndTheSameLastLayerAsThePublishedGraph()
    {
        var sessions = new SessionFactory(new InferenceSettings(ExecutionProvider.Cpu));
        using var session = new EncoderSession(encoder.Files, sessions);
        var tokenizer = new TextTokenizer(encoder.Files.VocabularyPath, encoder.Files.Descriptor.Uncased);
        var texts = Texts.Select(t => tokenizer.Tokenize(t, 64)).ToList();

        using var batch = session.Run(texts, layers: [0, 3, 5]);
        Assert.Equal([0, 3, 5, 6], batch.Layers.Keys.Order());
        Assert.Equal(batch.HiddenStatesData.ToArray(), batch.LayerData(6).ToArray());
        Assert.NotEqual(batch.LayerData(0).ToArray(), batch.LayerData(3).ToArray());
        Assert.NotEqual(batch.LayerData(3).ToArray(), batch.LayerData(5).ToArray());
        Assert.Throws<InvalidOperationException>(() => batch.LayerData(2).Length);

        // The published graph, loaded as published, gives the same last_hidden_state.
        using var published = new InferenceSession(encoder.Files.ModelPath);
        var seq = texts.Max(t => t.Length);
        var ids = new long[texts.Count * seq];
        var mask = new long[texts.Count * seq];
        for (var b = 0; b < texts.Count; b++)
        {
            texts[b].Ids.CopyTo(ids, b * seq);
            mask.AsSpan(b * seq, texts[b].Length).Fill(1);
        }

        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [texts.Count, seq]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [texts.Count, seq]);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[texts.Count * seq], [texts.Count, seq]);
        using var options = new RunOptions();
        using var outputs = published.Run(options, ["input_ids", "attention_mask", "token_type_ids"], [idsValue, maskValue, typesValue], [HeadContract.HiddenStates]);
        var expected = outputs[0].GetTensorDataAsSpan<float>();
        var actual = batch.HiddenStatesData;
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4f, $"position {i}: {expected[i]} vs {actual[i]}");
        }
    }

    [Fact]
    public void FeatureExtractor_PooledLayers_AreEachLayersMaskedMean_InTheOrderAsked()
    {
        var sessions = new SessionFactory(new InferenceSettings(ExecutionProvider.Cpu));
        using var session = new EncoderSession(encoder.Files, sessions);
        var tokenizer = new TextTokenizer(encoder.Files.VocabularyPath, encoder.Files.Descriptor.Uncased);
        var extractor = new FeatureExtractor(tokenizer, session, 64, cacheDirectory: null);
        const int hidden = 384;

        var last = extractor.PooledFeatures(Texts);
        var mixed = extractor.PooledFeatures(Texts, [2, 6]);
        var states = extractor.TokenStates(Texts, layers: [2]);

        Assert.Equal(Texts.Length * 2 * hidden, mixed.Length);
        for (var i = 0; i < Texts.Length; i++)
        {
            // Column block 1 is the last layer, as the plain pooled features.
            AssertClose(last.AsSpan(i * hidden, hidden), mixed.AsSpan(((i * 2) + 1) * hidden, hidden));

            // Column block 0 is layer 2's masked mean, as the token states' pooled layer 2 gives it.
            var mean = states.PooledLayers[2].AsSpan(i * hidden, hidden);
            AssertClose(mean, mixed.AsSpan(i * 2 * hidden, hidden));
        }

        AssertClose(last, states.PooledLastLayer());
        Assert.Throws<ArgumentException>(() => extractor.PooledFeatures(Texts, [7]));
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4f, $"{i}: {expected[i]} vs {actual[i]}");
        }
    }
}
