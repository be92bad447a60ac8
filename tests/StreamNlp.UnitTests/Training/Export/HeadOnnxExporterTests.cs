using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Tokenization;
using StreamNlp.Training.Export;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.UnitTests.Training.Export;

/// <summary>
/// Parity between the exported ONNX heads run by ONNX Runtime (CPU) and the managed forward pass, on random
/// hidden states with padding.
/// </summary>
public sealed class HeadOnnxExporterTests : IDisposable
{
    private const float Tolerance = 1e-4f;
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"streamnlp-export-{Guid.NewGuid():N}");

    public HeadOnnxExporterTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 32 })]
    [InlineData(new[] { 24, 12 })]
    public void SequenceHead_OnnxRuntimeOutput_EqualsManagedPoolingAndClassifier(int[] hiddenSizes)
    {
        const int hiddenSize = 384, batch = 4, seq = 9, labels = 4;
        var model = TrainedLikeModel(hiddenSize, hiddenSizes, labels, seed: 1);
        var random = new Random(2);
        var hidden = RandomValues(random, batch * seq * hiddenSize);
        // Rows with 9, 5, 1 and 0 real tokens: padding everywhere, and an all-padding row.
        int[] lengths = [9, 5, 1, 0];
        var mask = new long[batch * seq];
        for (var b = 0; b < batch; b++)
        {
            for (var t = 0; t < lengths[b]; t++)
            {
                mask[(b * seq) + t] = 1;
            }
        }

        var path = Path.Combine(directory, HeadContract.FileName);
        HeadOnnxExporter.ExportSequenceHead(model, hiddenSize, path);
        var onnx = RunSequenceHead(path, hidden, mask, batch, seq, hiddenSize);

        var expected = model.PredictProbabilities(MeanPooling.Compute(hidden, mask, batch, seq, hiddenSize), batch);
        Assert.Equal(batch * labels, onnx.Length);
        AssertClose(expected, onnx);
    }

    [Fact]
    public void LayerMixSequenceHead_ReadsEachLayerByName_AndEqualsManagedClassifierOnConcatenatedPooledLayers()
    {
        const int hiddenSize = 16, batch = 3, seq = 5, labels = 2, blocks = 6;
        int[] layers = [0, 3, blocks];
        var model = TrainedLikeModel(hiddenSize * layers.Length, [8], labels, seed: 3);
        var random = new Random(4);
        var states = layers.Select(_ => RandomValues(random, batch * seq * hiddenSize)).ToArray();
        int[] lengths = [5, 2, 1];
        var mask = new long[batch * seq];
        for (var b = 0; b < batch; b++)
        {
            mask.AsSpan(b * seq, lengths[b]).Fill(1);
        }

        var path = Path.Combine(directory, HeadContract.FileName);
        HeadOnnxExporter.ExportSequenceHead(model, hiddenSize, path, layers, blocks);

        using var session = new InferenceSession(path);
        Assert.Equal(
            new[] { HeadContract.AttentionMask, "hidden_states_0", "hidden_states_3", HeadContract.HiddenStates }.Order(),
            session.InputNames.Order());
        var values = layers.Select((l, i) => OrtValue.CreateTensorValueFromMemory(states[i], [batch, seq, hiddenSize])).ToList();
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [batch, seq]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(
            runOptions, [.. layers.Select(l => HeadContract.LayerStates(l, blocks)), HeadContract.AttentionMask], [.. values, maskValue], [HeadContract.Probabilities]);
        var onnx = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        values.ForEach(v => v.Dispose());

        // Managed: each layer pooled on its own, concatenated per text in the order of the layers.
        var pooled = layers.Select((_, i) => MeanPooling.Compute(states[i], mask, batch, seq, hiddenSize)).ToArray();
        var features = new float[batch * hiddenSize * layers.Length];
        for (var b = 0; b < batch; b++)
        {
            for (var i = 0; i < layers.Length; i++)
            {
                pooled[i].AsSpan(b * hiddenSize, hiddenSize).CopyTo(features.AsSpan(((b * layers.Length) + i) * hiddenSize));
            }
        }

        AssertClose(model.PredictProbabilities(features, batch), onnx);

        // Swapping two layers' inputs changes the output: each input is read as the layer it names.
        using var swapped0 = OrtValue.CreateTensorValueFromMemory(states[1], [batch, seq, hiddenSize]);
        using var swapped1 = OrtValue.CreateTensorValueFromMemory(states[0], [batch, seq, hiddenSize]);
        using var last = OrtValue.CreateTensorValueFromMemory(states[2], [batch, seq, hiddenSize]);
        using var swappedOutputs = session.Run(
            runOptions, ["hidden_states_0", "hidden_states_3", HeadContract.HiddenStates, HeadContract.AttentionMask], [swapped0, swapped1, last, maskValue], [HeadContract.Probabilities]);
        Assert.NotEqual(onnx, swappedOutputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    [Fact]
    public void LayerMixSequenceHead_WithoutTheLastLayer_IsRefused()
    {
        var model = TrainedLikeModel(32, [], 2, seed: 5);
        var error = Assert.Throws<ArgumentException>(() => HeadOnnxExporter.BuildSequenceHead(model, 16, [2, 3], 6));
        Assert.Contains("last layer", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 16 })]
    public void TokenHead_OnnxRuntimeOutput_EqualsManagedPerTokenClassifier(int[] hiddenSizes)
    {
        const int hiddenSize = 384, batch = 3, seq = 7, tags = 9;
        const int featureCount = TokenShapeFeatures.Count;
        var model = TrainedLikeModel(hiddenSize + featureCount, hiddenSizes, tags, seed: 3);
        var random = new Random(4);
        var hidden = RandomValues(random, batch * seq * hiddenSize);
        var features = new float[batch * seq * featureCount];
        string[] words = ["Apple", "apple", "NASA", "2024", "...", "iPhone", "x"];
        for (var i = 0; i < batch * seq; i++)
        {
            TokenShapeFeatures.Compute(words[i % words.Length], features.AsSpan(i * featureCount, featureCount));
        }

        var path = Path.Combine(directory, "token-head.onnx");
        HeadOnnxExporter.ExportTokenHead(model, hiddenSize, featureCount, path);
        var onnx = RunTokenHead(path, hidden, features, batch, seq, hiddenSize, featureCount);

        var concatenated = new float[batch * seq * (hiddenSize + featureCount)];
        for (var i = 0; i < batch * seq; i++)
        {
            var destination = concatenated.AsSpan(i * (hiddenSize + featureCount));
            hidden.AsSpan(i * hiddenSize, hiddenSize).CopyTo(destination);
            features.AsSpan(i * featureCount, featureCount).CopyTo(destination[hiddenSize..]);
        }

        var expected = model.PredictProbabilities(concatenated, batch * seq);
        Assert.Equal(batch * seq * tags, onnx.Length);
        AssertClose(expected, onnx);
    }

    [Fact]
    public void SequenceHead_GraphFollowsContract_Opset17IrVersion8StandardOperators()
    {
        var model = TrainedLikeModel(384, [8], 3, seed: 5);
        var path = Path.Combine(directory, "contract.onnx");

        HeadOnnxExporter.ExportSequenceHead(model, 384, path);
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

        Assert.Equal(8, proto.IrVersion);
        var opset = Assert.Single(proto.OpsetImport);
        Assert.Equal(string.Empty, opset.Domain);
        Assert.Equal(17, opset.Version);
        Assert.All(proto.Graph.Node, node => Assert.Equal(string.Empty, node.Domain));
        Assert.DoesNotContain(proto.Graph.Node, node => node.OpType == "Dropout");
        Assert.Equal([HeadContract.HiddenStates, HeadContract.AttentionMask], proto.Graph.Input.Select(i => i.Name));
        Assert.Equal(HeadContract.Probabilities, Assert.Single(proto.Graph.Output).Name);

        using var session = new InferenceSession(path);
        Assert.Equal(TensorElementType.Float, session.InputMetadata[HeadContract.HiddenStates].ElementDataType);
        Assert.Equal(TensorElementType.Int64, session.InputMetadata[HeadContract.AttentionMask].ElementDataType);
        Assert.Equal([-1, -1, 384], session.InputMetadata[HeadContract.HiddenStates].Dimensions);
        Assert.Equal(["batch", "sequence", string.Empty], session.InputMetadata[HeadContract.HiddenStates].SymbolicDimensions);
        Assert.Equal([-1, 3], session.OutputMetadata[HeadContract.Probabilities].Dimensions);
    }

    [Fact]
    public void TokenHead_GraphDeclaresTokenFeaturesAndPerTokenOutput()
    {
        var model = TrainedLikeModel(384 + 5, [], 9, seed: 6);
        var path = Path.Combine(directory, "token-contract.onnx");

        HeadOnnxExporter.ExportTokenHead(model, 384, 5, path);

        using var session = new InferenceSession(path);
        Assert.Equal([HeadContract.HiddenStates, HeadContract.TokenFeatures], session.InputNames);
        Assert.Equal([-1, -1, 5], session.InputMetadata[HeadContract.TokenFeatures].Dimensions);
        Assert.Equal([-1, -1, 9], session.OutputMetadata[HeadContract.Probabilities].Dimensions);
    }

    [Fact]
    public void Export_DimensionMismatch_Throws()
    {
        var model = TrainedLikeModel(100, [], 2, seed: 7);

        Assert.Throws<ArgumentException>(() => HeadOnnxExporter.ExportSequenceHead(model, 384, Path.Combine(directory, "x.onnx")));
        Assert.Throws<ArgumentException>(() => HeadOnnxExporter.ExportTokenHead(model, 384, 5, Path.Combine(directory, "y.onnx")));
    }

    /// <summary>A classifier with random weights and non-zero biases (so bias handling is checked too).</summary>
    private static DenseClassifier TrainedLikeModel(int inputs, int[] hiddenSizes, int classes, int seed)
    {
        var model = DenseClassifier.Create(inputs, hiddenSizes, classes, dropout: 0.2f, new SeededRandom((ulong)seed));
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

    private static float[] RunSequenceHead(string path, float[] hidden, long[] mask, int batch, int seq, int hiddenSize)
    {
        using var session = new InferenceSession(path);
        using var hiddenValue = OrtValue.CreateTensorValueFromMemory(hidden, [batch, seq, hiddenSize]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [batch, seq]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(
            runOptions, [HeadContract.HiddenStates, HeadContract.AttentionMask], [hiddenValue, maskValue], [HeadContract.Probabilities]);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        Assert.Equal([batch, -1], shape.Select((d, i) => i == 0 ? d : -1));
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[] RunTokenHead(string path, float[] hidden, float[] features, int batch, int seq, int hiddenSize, int featureCount)
    {
        using var session = new InferenceSession(path);
        using var hiddenValue = OrtValue.CreateTensorValueFromMemory(hidden, [batch, seq, hiddenSize]);
        using var featureValue = OrtValue.CreateTensorValueFromMemory(features, [batch, seq, featureCount]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(
            runOptions, [HeadContract.HiddenStates, HeadContract.TokenFeatures], [hiddenValue, featureValue], [HeadContract.Probabilities]);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        Assert.Equal(batch, shape[0]);
        Assert.Equal(seq, shape[1]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[] RandomValues(Random random, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"Element {i}: managed {expected[i]}, ONNX Runtime {actual[i]}.");
        }
    }
}
