using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Tokenization;
using StreamNlp.Training.Export;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Convolution;

namespace StreamNlp.UnitTests.Training.Export;

/// <summary>
/// Parity between the exported convolutional token head run by ONNX Runtime (CPU) on a padded batch and the
/// managed forward pass of each sequence alone, and independence of real positions from padding content.
/// </summary>
public sealed class ConvolutionalTokenHeadExporterTests : IDisposable
{
    private const float Tolerance = 1e-4f;
    private const int HiddenSize = 384, Batch = 4, Sequence = 11, Tags = 9;
    private const int FeatureCount = TokenShapeFeatures.Count;
    private static readonly int[] Lengths = [11, 6, 1, 3];
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"streamnlp-conv-export-{Guid.NewGuid():N}");

    public ConvolutionalTokenHeadExporterTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData(new[] { 5 }, new int[0])]
    [InlineData(new[] { 3, 3 }, new[] { 1, 2 })]
    [InlineData(new[] { 1, 5, 3 }, new[] { 1, 1, 3 })]
    public void OnnxRuntimeOutput_EqualsManagedPredictionOnEveryRealPosition(int[] kernels, int[] dilations)
    {
        var head = TrainedLikeHead(kernels, dilations, seed: kernels.Sum());
        var random = new Random(2);
        var (hidden, mask, features) = RandomBatch(random);
        var path = Path.Combine(directory, HeadContract.FileName);

        ConvolutionalTokenHeadExporter.Export(head, HiddenSize, FeatureCount, path);
        var onnx = Run(path, hidden, mask, features);

        Assert.Equal(Batch * Sequence * Tags, onnx.Length);
        for (var b = 0; b < Batch; b++)
        {
            var length = Lengths[b];
            var expected = head.PredictProbabilities(
                hidden.AsSpan(b * Sequence * HiddenSize, length * HiddenSize),
                features.AsSpan(b * Sequence * FeatureCount, length * FeatureCount),
                length);
            for (var i = 0; i < length * Tags; i++)
            {
                var actual = onnx[(b * Sequence * Tags) + i];
                Assert.True(Math.Abs(expected[i] - actual) <= Tolerance, $"Sequence {b}, element {i}: managed {expected[i]}, ONNX Runtime {actual}.");
            }
        }
    }

    [Fact]
    public void PaddingContent_DoesNotChangeRealPositions()
    {
        var head = TrainedLikeHead([3, 3], [1, 2], seed: 3);
        var random = new Random(4);
        var (hidden, mask, features) = RandomBatch(random);
        var path = Path.Combine(directory, "padding.onnx");
        ConvolutionalTokenHeadExporter.Export(head, HiddenSize, FeatureCount, path);

        var before = Run(path, hidden, mask, features);
        for (var b = 0; b < Batch; b++)
        {
            for (var t = Lengths[b]; t < Sequence; t++)
            {
                for (var h = 0; h < HiddenSize; h++)
                {
                    hidden[(((b * Sequence) + t) * HiddenSize) + h] = (float)(random.NextDouble() * 20) - 10;
                }

                for (var f = 0; f < FeatureCount; f++)
                {
                    features[(((b * Sequence) + t) * FeatureCount) + f] = 1f;
                }
            }
        }

        var after = Run(path, hidden, mask, features);

        for (var b = 0; b < Batch; b++)
        {
            for (var i = 0; i < Lengths[b] * Tags; i++)
            {
                var index = (b * Sequence * Tags) + i;
                Assert.True(Math.Abs(before[index] - after[index]) <= 1e-6, $"Sequence {b}, element {i}: {before[index]} became {after[index]}.");
            }
        }
    }

    [Fact]
    public void Graph_FollowsTokenHeadContract_StandardOperatorsOpset17()
    {
        var head = TrainedLikeHead([3, 3], [1, 2], seed: 5);
        var path = Path.Combine(directory, "contract.onnx");

        ConvolutionalTokenHeadExporter.Export(head, HiddenSize, FeatureCount, path);
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

        Assert.Equal(8, proto.IrVersion);
        var opset = Assert.Single(proto.OpsetImport);
        Assert.Equal((string.Empty, 17L), (opset.Domain, opset.Version));
        string[] allowed = ["Cast", "Unsqueeze", "Mul", "Concat", "Transpose", "Conv", "Relu", "MatMul", "Add", "Softmax"];
        Assert.All(proto.Graph.Node, node => Assert.Contains(node.OpType, allowed));
        Assert.All(proto.Graph.Node, node => Assert.Equal(string.Empty, node.Domain));
        Assert.Equal(2, proto.Graph.Node.Count(n => n.OpType == "Conv"));

        using var session = new InferenceSession(path);
        Assert.Equal([HeadContract.HiddenStates, HeadContract.AttentionMask, HeadContract.TokenFeatures], session.InputNames);
        Assert.Equal(TensorElementType.Int64, session.InputMetadata[HeadContract.AttentionMask].ElementDataType);
        Assert.Equal([-1, -1, HiddenSize], session.InputMetadata[HeadContract.HiddenStates].Dimensions);
        Assert.Equal([-1, -1, FeatureCount], session.InputMetadata[HeadContract.TokenFeatures].Dimensions);
        Assert.Equal([-1, -1, Tags], session.OutputMetadata[HeadContract.Probabilities].Dimensions);
    }

    [Fact]
    public void Export_SizesThatDoNotMatchTheHead_Throw()
    {
        var head = TrainedLikeHead([3], [], seed: 6);

        Assert.Throws<ArgumentException>(() => ConvolutionalTokenHeadExporter.Export(head, 256, FeatureCount, Path.Combine(directory, "x.onnx")));
        Assert.Throws<ArgumentException>(() => ConvolutionalTokenHeadExporter.Export(head, HiddenSize, 4, Path.Combine(directory, "y.onnx")));
    }

    /// <summary>A head with random weights and clearly non-zero biases, so relu(bias) at padding would leak if not re-masked.</summary>
    private static ConvolutionalTokenHead TrainedLikeHead(int[] kernels, int[] dilations, int seed)
    {
        var head = ConvolutionalTokenHead.Create(HiddenSize, FeatureCount, Tags, kernels, dilations, channels: 16, new SeededRandom((ulong)seed));
        var random = new Random(seed);
        foreach (var parameter in head.Parameters.Where(p => !p.ApplyWeightDecay))
        {
            for (var i = 0; i < parameter.Length; i++)
            {
                parameter.Value[i] = (float)random.NextDouble();
            }
        }

        return head;
    }

    /// <summary>Random hidden states everywhere (padding too), the mask of <see cref="Lengths"/>, random 0/1 shape features.</summary>
    private static (float[] Hidden, long[] Mask, float[] Features) RandomBatch(Random random)
    {
        var hidden = new float[Batch * Sequence * HiddenSize];
        for (var i = 0; i < hidden.Length; i++)
        {
            hidden[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var features = new float[Batch * Sequence * FeatureCount];
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = random.Next(2);
        }

        var mask = new long[Batch * Sequence];
        for (var b = 0; b < Batch; b++)
        {
            for (var t = 0; t < Lengths[b]; t++)
            {
                mask[(b * Sequence) + t] = 1;
            }
        }

        return (hidden, mask, features);
    }

    private static float[] Run(string path, float[] hidden, long[] mask, float[] features)
    {
        using var session = new InferenceSession(path);
        using var hiddenValue = OrtValue.CreateTensorValueFromMemory(hidden, [Batch, Sequence, HiddenSize]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [Batch, Sequence]);
        using var featureValue = OrtValue.CreateTensorValueFromMemory(features, [Batch, Sequence, FeatureCount]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(
            runOptions,
            [HeadContract.HiddenStates, HeadContract.AttentionMask, HeadContract.TokenFeatures],
            [hiddenValue, maskValue, featureValue],
            [HeadContract.Probabilities]);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        Assert.Equal([Batch, Sequence, Tags], shape);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
