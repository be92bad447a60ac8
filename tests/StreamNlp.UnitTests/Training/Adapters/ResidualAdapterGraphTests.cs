using Microsoft.ML.OnnxRuntime;
using Onnx;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Tokenization;
using StreamNlp.Training.Adapters;
using StreamNlp.Training.Export;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.UnitTests.Training.Adapters;

/// <summary>
/// The adapted graph run by ONNX Runtime equals <see cref="ResidualAdapter.Probabilities"/> over the champion's own
/// ONNX output; removing the adapter gives the champion's graph back; attaching again replaces, never stacks.
/// </summary>
public sealed class ResidualAdapterGraphTests
{
    private const int Hidden = 384;

    [Fact]
    public void SequenceAdapter_OnnxOutput_EqualsManagedAdapterOverTheChampionsOutput_WithPadding()
    {
        const int batch = 3, seq = 6, labels = 3;
        var champion = HeadOnnxExporter.BuildSequenceHead(RandomClassifier(Hidden, labels, seed: 1), Hidden);
        var adapter = RandomAdapter(Hidden, labels, seed: 2);
        var random = new Random(3);
        var hidden = Values(random, batch * seq * Hidden);
        int[] lengths = [6, 3, 1];
        var mask = Mask(lengths, seq);

        var championOutput = RunSequence(champion, hidden, mask, batch, seq);
        var adapted = RunSequence(ResidualAdapterGraph.Attach(champion, adapter, Hidden), hidden, mask, batch, seq);

        var pooled = MeanPooling.Compute(hidden, mask, batch, seq, Hidden);
        for (var b = 0; b < batch; b++)
        {
            var expected = adapter.Probabilities(pooled.AsSpan(b * Hidden, Hidden), [.. championOutput.AsSpan(b * labels, labels).ToArray().Select(v => MathF.Log(v))]);
            AssertClose(expected, adapted.AsSpan(b * labels, labels).ToArray());
        }
    }

    [Fact]
    public void LayerMixAdapter_ReadsTheChampionsLayers_OnnxOutputEqualsManagedAdapterOverConcatenatedPooledLayers()
    {
        const int batch = 3, seq = 5, labels = 2, hiddenSize = 8, blocks = 6;
        int[] layers = [0, 4, blocks];
        var champion = HeadOnnxExporter.BuildSequenceHead(RandomClassifier(hiddenSize * layers.Length, labels, seed: 21), hiddenSize, layers, blocks);
        var adapter = RandomAdapter(hiddenSize * layers.Length, labels, seed: 22);
        var random = new Random(23);
        var states = layers.Select(_ => Values(random, batch * seq * hiddenSize)).ToArray();
        var mask = Mask([5, 2, 1], seq);

        float[] Run(ModelProto model)
        {
            using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model));
            var values = layers.Select((_, k) => OrtValue.CreateTensorValueFromMemory(states[k], [batch, seq, hiddenSize])).ToList();
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [batch, seq]);
            using var options = new RunOptions();
            using var outputs = session.Run(options, [.. layers.Select(l => HeadContract.LayerStates(l, blocks)), HeadContract.AttentionMask], [.. values, maskValue], [HeadContract.Probabilities]);
            values.ForEach(v => v.Dispose());
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }

        var championOutput = Run(champion);
        var adaptedGraph = ResidualAdapterGraph.Attach(champion, adapter, hiddenSize, layers, blocks);
        var adapted = Run(adaptedGraph);

        var pooled = layers.Select((_, k) => MeanPooling.Compute(states[k], mask, batch, seq, hiddenSize)).ToArray();
        for (var b = 0; b < batch; b++)
        {
            var features = pooled.SelectMany(p => p.AsSpan(b * hiddenSize, hiddenSize).ToArray()).ToArray();
            var expected = adapter.Probabilities(features, [.. championOutput.AsSpan(b * labels, labels).ToArray().Select(v => MathF.Log(v))]);
            AssertClose(expected, adapted.AsSpan(b * labels, labels).ToArray());
        }

        // Stripped, it is the champion again; a last-layer adapter does not fit a layer mix's width.
        AssertClose(championOutput, Run(ResidualAdapterGraph.Strip(adaptedGraph)));
        Assert.Throws<ArgumentException>(() => ResidualAdapterGraph.Attach(champion, RandomAdapter(hiddenSize, labels, seed: 24), hiddenSize, layers, blocks));
    }

    [Fact]
    public void TokenAdapter_OnnxOutput_EqualsManagedAdapterPerPosition_WithTheSentenceGate()
    {
        const int batch = 2, seq = 5, tags = 5;
        const int featureCount = TokenShapeFeatures.Count;
        const int dimension = Hidden + featureCount;
        var champion = HeadOnnxExporter.BuildTokenHead(RandomClassifier(dimension, tags, seed: 4), Hidden, featureCount);
        var adapter = RandomAdapter(dimension, tags, seed: 5);
        var random = new Random(6);
        var hidden = Values(random, batch * seq * Hidden);
        var shape = Values(random, batch * seq * featureCount);
        int[] lengths = [5, 3];
        var mask = Mask(lengths, seq);

        var championOutput = RunTokens(champion, hidden, shape, mask, batch, seq);
        var graph = ResidualAdapterGraph.AttachToTokens(champion, adapter, Hidden, featureCount);
        var adapted = RunTokens(graph, hidden, shape, mask, batch, seq);

        Assert.Contains(graph.Graph.Input, i => i.Name == HeadContract.AttentionMask); // the dense token head had none; the gate needs it
        for (var b = 0; b < batch; b++)
        {
            // The gate reads the sentence: the mean of its real positions' inputs.
            var sentence = new float[dimension];
            for (var t = 0; t < lengths[b]; t++)
            {
                var p = (b * seq) + t;
                for (var d = 0; d < dimension; d++)
                {
                    sentence[d] += (d < Hidden ? hidden[(p * Hidden) + d] : shape[(p * featureCount) + d - Hidden]) / lengths[b];
                }
            }

            for (var t = 0; t < seq; t++)
            {
                var p = (b * seq) + t;
                float[] input = [.. hidden.AsSpan(p * Hidden, Hidden), .. shape.AsSpan(p * featureCount, featureCount)];
                var expected = adapter.Probabilities(input, [.. championOutput.AsSpan(p * tags, tags).ToArray().Select(v => MathF.Log(v))], sentence);
                AssertClose(expected, adapted.AsSpan(p * tags, tags).ToArray());
            }
        }
    }

    [Fact]
    public void Strip_GivesTheChampionsGraphBack_AndAttachingAgainReplacesTheAdapter()
    {
        var champion = HeadOnnxExporter.BuildSequenceHead(RandomClassifier(Hidden, 2, seed: 7), Hidden);
        var once = ResidualAdapterGraph.Attach(champion, RandomAdapter(Hidden, 2, seed: 8), Hidden);
        var twice = ResidualAdapterGraph.Attach(once, RandomAdapter(Hidden, 2, seed: 9), Hidden);

        Assert.False(ResidualAdapterGraph.HasAdapter(champion));
        Assert.True(ResidualAdapterGraph.HasAdapter(once));
        Assert.Equal(champion, ResidualAdapterGraph.Strip(once));
        Assert.Equal(champion, ResidualAdapterGraph.Strip(twice));
        Assert.Equal(once.Graph.Node.Count, twice.Graph.Node.Count);
        Assert.Equal(HeadContract.Probabilities, Assert.Single(twice.Graph.Output).Name);
        Assert.All(twice.Graph.Node, n => Assert.Equal(string.Empty, n.Domain));
    }

    [Fact]
    public void Attach_ToTheWrongKindOfHead_Throws()
    {
        const int featureCount = TokenShapeFeatures.Count;
        var tokenHead = HeadOnnxExporter.BuildTokenHead(RandomClassifier(Hidden + featureCount, 3, seed: 10), Hidden, featureCount);
        var sequenceHead = HeadOnnxExporter.BuildSequenceHead(RandomClassifier(Hidden, 3, seed: 11), Hidden);

        Assert.Throws<ArgumentException>(() => ResidualAdapterGraph.Attach(tokenHead, RandomAdapter(Hidden, 3, seed: 12), Hidden));
        Assert.Throws<ArgumentException>(() => ResidualAdapterGraph.AttachToTokens(sequenceHead, RandomAdapter(Hidden + featureCount, 3, seed: 13), Hidden, featureCount));
        Assert.Throws<ArgumentException>(() => ResidualAdapterGraph.Attach(sequenceHead, RandomAdapter(100, 3, seed: 14), Hidden));
    }

    private static ResidualAdapter RandomAdapter(int dimension, int classes, int seed)
    {
        var random = new Random(seed);
        return new ResidualAdapter(Values(random, classes * dimension, 0.1f), Values(random, classes), dimension, championScale: 0.4f, Values(random, dimension, 0.1f), 0.3f);
    }

    private static DenseClassifier RandomClassifier(int inputs, int classes, int seed)
    {
        var model = DenseClassifier.Create(inputs, [], classes, dropout: 0f, new SeededRandom((ulong)seed));
        var random = new Random(seed);
        foreach (var parameter in model.Parameters.Where(p => !p.ApplyWeightDecay))
        {
            for (var i = 0; i < parameter.Length; i++)
            {
                parameter.Value[i] = (float)(random.NextDouble() - 0.5);
            }
        }

        return model;
    }

    private static float[] Values(Random random, int count, float scale = 1f) =>
        [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1) * scale)];

    private static long[] Mask(int[] lengths, int seq)
    {
        var mask = new long[lengths.Length * seq];
        for (var b = 0; b < lengths.Length; b++)
        {
            for (var t = 0; t < lengths[b]; t++)
            {
                mask[(b * seq) + t] = 1;
            }
        }

        return mask;
    }

    private static float[] RunSequence(ModelProto model, float[] hidden, long[] mask, int batch, int seq)
    {
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model));
        using var hiddenValue = OrtValue.CreateTensorValueFromMemory(hidden, [batch, seq, Hidden]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [batch, seq]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [HeadContract.HiddenStates, HeadContract.AttentionMask], [hiddenValue, maskValue], [HeadContract.Probabilities]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[] RunTokens(ModelProto model, float[] hidden, float[] shape, long[] mask, int batch, int seq)
    {
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model));
        using var hiddenValue = OrtValue.CreateTensorValueFromMemory(hidden, [batch, seq, Hidden]);
        using var shapeValue = OrtValue.CreateTensorValueFromMemory(shape, [batch, seq, (long)TokenShapeFeatures.Count]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [batch, seq]);
        using var runOptions = new RunOptions();
        var withMask = session.InputNames.Contains(HeadContract.AttentionMask);
        using var outputs = session.Run(
            runOptions,
            withMask ? [HeadContract.HiddenStates, HeadContract.TokenFeatures, HeadContract.AttentionMask] : [HeadContract.HiddenStates, HeadContract.TokenFeatures],
            withMask ? [hiddenValue, shapeValue, maskValue] : [hiddenValue, shapeValue],
            [HeadContract.Probabilities]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4f, $"index {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
