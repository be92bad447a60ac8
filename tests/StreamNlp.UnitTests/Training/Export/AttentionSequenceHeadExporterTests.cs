using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using StreamNlp.Models.Heads;
using StreamNlp.Training.Export;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;

namespace StreamNlp.UnitTests.Training.Export;

/// <summary>
/// Parity between the exported attention head run by ONNX Runtime (CPU) and
/// <see cref="AttentionSequenceHead.PredictProbabilities(ReadOnlySpan{float}, int)"/>, on random states with padding,
/// and independence of the ONNX output from whatever the padded positions hold.
/// </summary>
public sealed class AttentionSequenceHeadExporterTests : IDisposable
{
    private const float Tolerance = 1e-4f;
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"streamnlp-attention-export-{Guid.NewGuid():N}");

    public AttentionSequenceHeadExporterTests() => Directory.CreateDirectory(directory);

    public static TheoryData<string> Shapes =>
    [
        "additive2-mean-max-mlp",
        "projection-additive1-mlp",
        "dot3-mean-linear",
        "projection-dot2-max-mlp2",
        "mean-max-mlp",
        "max-linear",
    ];

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OnnxRuntimeOutput_EqualsManagedPrediction_WithPadding(string shape)
    {
        const int hiddenSize = 384, batch = 4, seq = 9, labels = 3;
        var head = TrainedLike(hiddenSize, labels, Options(shape), seed: 1);
        var random = new Random(2);
        var hidden = RandomValues(random, batch * seq * hiddenSize, scale: 1f);
        // 9, 5, 1 and 3 real positions: padding in three rows, a one-position row.
        int[] lengths = [9, 5, 1, 3];
        var mask = Mask(lengths, seq);

        var path = Path.Combine(directory, $"{shape}.onnx");
        AttentionSequenceHeadExporter.Export(head, hiddenSize, path);
        var onnx = Run(path, hidden, mask, batch, seq, hiddenSize);

        Assert.Equal(batch * labels, onnx.Length);
        for (var b = 0; b < batch; b++)
        {
            var expected = head.PredictProbabilities(hidden.AsSpan(b * seq * hiddenSize, lengths[b] * hiddenSize), lengths[b]);
            AssertClose(expected, onnx.AsSpan(b * labels, labels).ToArray(), $"{shape}, row {b}");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OnnxRuntimeOutput_IgnoresPaddedContent(string shape)
    {
        const int hiddenSize = 32, batch = 3, seq = 7, labels = 4;
        var head = TrainedLike(hiddenSize, labels, Options(shape), seed: 3);
        var random = new Random(4);
        var hidden = RandomValues(random, batch * seq * hiddenSize, scale: 1f);
        int[] lengths = [2, 7, 4];
        var mask = Mask(lengths, seq);
        var path = Path.Combine(directory, $"padding-{shape}.onnx");
        AttentionSequenceHeadExporter.Export(head, hiddenSize, path);

        var clean = Run(path, hidden, mask, batch, seq, hiddenSize);
        // Fill the padded positions with large values (which would dominate a max or a softmax if they leaked).
        for (var b = 0; b < batch; b++)
        {
            for (var t = lengths[b]; t < seq; t++)
            {
                for (var d = 0; d < hiddenSize; d++)
                {
                    hidden[(((b * seq) + t) * hiddenSize) + d] = (float)((random.NextDouble() * 200) - 100);
                }
            }
        }

        var noisy = Run(path, hidden, mask, batch, seq, hiddenSize);
        AssertClose(clean, noisy, shape);
    }

    [Fact]
    public void Graph_FollowsContract_Opset17IrVersion8StandardOperators()
    {
        var head = TrainedLike(384, 2, Options("projection-additive1-mlp") with { PooledDropout = 0.1f, TokenDropout = 0.1f, MaxPooling = true }, seed: 5);
        var path = Path.Combine(directory, HeadContract.FileName);

        AttentionSequenceHeadExporter.Export(head, 384, path);
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
        Assert.Equal([-1, 2], session.OutputMetadata[HeadContract.Probabilities].Dimensions);
    }

    [Fact]
    public void Export_HiddenSizeMismatch_Throws()
    {
        var head = TrainedLike(16, 2, Options("mean-max-mlp"), seed: 6);

        Assert.Throws<ArgumentException>(() => AttentionSequenceHeadExporter.Export(head, 384, Path.Combine(directory, "x.onnx")));
    }

    private static AttentionSequenceHeadOptions Options(string shape) => shape switch
    {
        "additive2-mean-max-mlp" => new() { TokenProjectionSize = 0, AttentionHeads = 2, AttentionSize = 16, HiddenSizes = [24], Dropout = 0.2f },
        "projection-additive1-mlp" => new() { TokenProjectionSize = 20, AttentionHeads = 1, AttentionSize = 8, MeanPooling = false, MaxPooling = false, HiddenSizes = [12] },
        "dot3-mean-linear" => new() { TokenProjectionSize = 0, AttentionHeads = 3, Scoring = AttentionScoring.DotProduct, MaxPooling = false, HiddenSizes = [] },
        "projection-dot2-max-mlp2" => new() { TokenProjectionSize = 24, AttentionHeads = 2, Scoring = AttentionScoring.DotProduct, MeanPooling = false, HiddenSizes = [16, 8] },
        "mean-max-mlp" => new() { TokenProjectionSize = 0, AttentionHeads = 0, HiddenSizes = [10] },
        "max-linear" => new() { TokenProjectionSize = 0, AttentionHeads = 0, MeanPooling = false, HiddenSizes = [] },
        _ => throw new ArgumentException(shape, nameof(shape)),
    };

    /// <summary>A head with random weights, non-zero biases and sharp attention (so masking and biases are exercised).</summary>
    private static AttentionSequenceHead TrainedLike(int hiddenSize, int labels, AttentionSequenceHeadOptions options, int seed)
    {
        var head = AttentionSequenceHead.Create(hiddenSize, labels, options, new SeededRandom((ulong)seed));
        var random = new Random(seed);
        foreach (var parameter in head.Parameters.Where(p => !p.ApplyWeightDecay))
        {
            for (var i = 0; i < parameter.Length; i++)
            {
                parameter.Value[i] = (float)(random.NextDouble() - 0.5);
            }
        }

        if (head.Attention is { } attention)
        {
            for (var i = 0; i < attention.ScoreWeights.Length; i++)
            {
                attention.ScoreWeights.Value[i] *= 4f;
            }
        }

        return head;
    }

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

    private static float[] Run(string path, float[] hidden, long[] mask, int batch, int seq, int hiddenSize)
    {
        using var session = new InferenceSession(path);
        using var hiddenValue = OrtValue.CreateTensorValueFromMemory(hidden, [batch, seq, hiddenSize]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [batch, seq]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(
            runOptions, [HeadContract.HiddenStates, HeadContract.AttentionMask], [hiddenValue, maskValue], [HeadContract.Probabilities]);
        Assert.Equal(batch, outputs[0].GetTensorTypeAndShape().Shape[0]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[] RandomValues(Random random, int count, float scale)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1) * scale;
        }

        return values;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"{what}, element {i}: expected {expected[i]}, got {actual[i]}.");
        }
    }
}
