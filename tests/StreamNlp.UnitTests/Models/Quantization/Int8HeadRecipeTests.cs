using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Quantization;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;
using StreamNlp.Training.Adapters;
using StreamNlp.Training.Export;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Convolution;

namespace StreamNlp.UnitTests.Models.Quantization;

/// <summary>
/// The int8 heads: a quantized convolution computes exactly the fp32 one where the int8 grid is exact (checks the tap
/// layout, pads and dilation); the shipped heads and heads carrying a residual adapter quantize, load and stay close to
/// fp32; a <see cref="TaskHead"/> quantizes only for the int8 encoder.
/// </summary>
public sealed class Int8HeadRecipeTests
{
    private const int Hidden = 384;
    private const int FeatureCount = TokenShapeFeatures.Count;
    private static readonly string ShippedModels = Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>
    /// Integer inputs spanning 0…255 quantize with scale 1 and zero point 0, and integer weights whose every output
    /// channel reaches ±127 quantize with scale 1: the int8 convolution is then exact, so any difference is a layout error.
    /// </summary>
    [Theory]
    [InlineData(3, 1, 1, 1, null)]
    [InlineData(3, 2, 2, 2, null)]
    [InlineData(5, 1, 2, 2, null)]
    [InlineData(3, 3, 0, 0, null)]
    [InlineData(3, 1, 0, 2, null)]
    [InlineData(1, 1, 0, 0, null)]
    [InlineData(4, 1, 0, 0, "SAME_UPPER")]
    [InlineData(4, 1, 0, 0, "SAME_LOWER")]
    [InlineData(5, 1, 0, 0, "VALID")]
    public void Conv_OnAnExactGrid_EqualsTheFloatConvolution(int kernel, int dilation, int padBegin, int padEnd, string? autoPad)
    {
        const int batch = 2, channels = 5, outputs = 4, sequence = 9;
        var random = new Random(kernel * 100 + dilation * 10 + padBegin + padEnd);
        var weights = new float[outputs * channels * kernel];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = random.Next(-127, 128);
        }

        for (var o = 0; o < outputs; o++)
        {
            weights[o * channels * kernel] = o % 2 == 0 ? 127 : -127;
        }

        var bias = Enumerable.Range(0, outputs).Select(o => (o * 0.5f) - 1f).ToArray();
        var input = Enumerable.Range(0, batch * channels * sequence).Select(_ => (float)random.Next(0, 256)).ToArray();
        input[0] = 0;
        input[1] = 255;
        var model = SingleConv(channels, outputs, kernel, dilation, padBegin, padEnd, autoPad, weights, bias);
        var expected = RunSingle(model, input, [batch, channels, sequence]);

        var quantized = model.Clone();
        var rewritten = new DynamicConvQuantizer(QuantizationGranularity.PerColumn).Quantize(quantized);

        Assert.Single(rewritten);
        Assert.DoesNotContain(quantized.Graph.Node, n => n.OpType == "Conv");
        Assert.DoesNotContain(quantized.Graph.Initializer, i => i.Name == "w");
        var actual = RunSingle(quantized, input, [batch, channels, sequence]);
        Assert.Equal(expected.Shape, actual.Shape);
        for (var i = 0; i < expected.Values.Length; i++)
        {
            Assert.True(Math.Abs(expected.Values[i] - actual.Values[i]) <= 1e-3f * Math.Max(1f, Math.Abs(expected.Values[i])), $"element {i}: fp32 {expected.Values[i]}, int8 {actual.Values[i]}");
        }
    }

    [Fact]
    public void Conv_Strided_Grouped_Or_2D_IsLeftAsItIs()
    {
        var weights = new float[4 * 2 * 3];
        var strided = SingleConv(2, 4, 3, 1, 1, 1, null, weights, new float[4]);
        strided.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "strides", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 2 } });
        var grouped = SingleConv(2, 4, 3, 1, 1, 1, null, weights, new float[4]);
        grouped.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = 2 });
        var weightInput = SingleConv(2, 4, 3, 1, 1, 1, null, weights, new float[4]);
        weightInput.Graph.Input.Add(new ValueInfoProto { Name = "w", Type = weightInput.Graph.Input[0].Type });

        foreach (var model in new[] { strided, grouped, weightInput })
        {
            Assert.Empty(new DynamicConvQuantizer(QuantizationGranularity.PerColumn).Quantize(model));
            Assert.Equal("Conv", Assert.Single(model.Graph.Node).OpType);
        }
    }

    [Theory]
    [InlineData(new[] { 3, 3 }, new[] { 1, 2 })]
    [InlineData(new[] { 5 }, new int[0])]
    [InlineData(new[] { 1, 3, 3 }, new[] { 1, 1, 3 })]
    public void ConvolutionalHead_Int8_StaysCloseToFp32(int[] kernels, int[] dilations)
    {
        var head = ConvolutionalTokenHead.Create(Hidden, FeatureCount, 9, kernels, dilations, channels: 64, new SeededRandom(7));
        var fp32 = ConvolutionalTokenHeadExporter.Build(head, Hidden, FeatureCount);
        var int8 = fp32.Clone();

        var report = Int8HeadRecipe.Default.Quantize(int8);

        Assert.Equal(kernels.Length, report.Convolutions.Count);
        Assert.DoesNotContain(int8.Graph.Node, n => n.OpType == "Conv");
        Assert.Equal(kernels.Length, int8.Graph.Node.Count(n => n.OpType == "MatMulIntegerToFloat"));
        // The 64 → 9 output layer is narrower than the recipe's 32 columns: it stays fp32.
        Assert.Equal((64, 9), (Assert.Single(report.KeptFloat).Rows, report.KeptFloat[0].Columns));
        Assert.Empty(report.Quantized);
        AssertClose(RunHead(fp32), RunHead(int8), tolerance: 0.03f);
    }

    [Theory]
    [InlineData("classification", 1, 1)]
    [InlineData("sentiment", 1, 1)]
    [InlineData("ner", 0, 1)]
    public void ShippedHead_Int8_LoadsAndStaysCloseToFp32(string task, int quantized, int keptFloat)
    {
        var fp32 = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(ShippedModels, task, "v1", HeadContract.FileName)));
        var int8 = fp32.Clone();

        var report = Int8HeadRecipe.Default.Quantize(int8);

        Assert.Equal(task == "ner" ? 2 : 0, report.Convolutions.Count);
        Assert.Equal(quantized, report.Quantized.Count);
        Assert.Equal(keptFloat, report.KeptFloat.Count);
        Assert.All(report.Quantized, m => Assert.True(m.Columns >= Int8HeadRecipe.Default.MinimumColumns));
        Assert.Contains(int8.MetadataProps, p => p.Key == "streamnlp.int8_head_recipe" && p.Value == Int8HeadRecipe.Default.Id);
        AssertClose(RunHead(fp32), RunHead(int8), tolerance: 0.1f);
    }

    [Fact]
    public void SequenceHeadWithAdapter_Int8_KeepsTheAdapterFp32_AndStaysClose()
    {
        var champion = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(ShippedModels, "sentiment", "v1", HeadContract.FileName)));
        var adapted = ResidualAdapterGraph.Attach(champion, RandomAdapter(Hidden, 2, seed: 1), Hidden);
        var int8 = adapted.Clone();

        var report = Int8HeadRecipe.Default.Quantize(int8);

        Assert.Single(report.Quantized); // the layer mix's 2688 → 256 MatMul; 256 → 2 is too narrow
        Assert.Contains(report.KeptFloat, m => m.NodeName.StartsWith("adapter/", StringComparison.Ordinal));
        Assert.Contains(int8.Graph.Node, n => n.OpType == "MatMul" && n.Name == "adapter/matmul");
        Assert.True(ResidualAdapterGraph.HasAdapter(int8));
        AssertClose(RunHead(adapted), RunHead(int8), tolerance: 0.1f);
    }

    [Fact]
    public void TokenHeadWithAdapter_Int8_QuantizesTheConvolutions_KeepsTheAdapterFp32_AndStaysClose()
    {
        var champion = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(ShippedModels, "ner", "v1", HeadContract.FileName)));
        var adapted = ResidualAdapterGraph.AttachToTokens(champion, RandomAdapter(Hidden + FeatureCount, 9, seed: 2), Hidden, FeatureCount);
        var int8 = adapted.Clone();

        var report = Int8HeadRecipe.Default.Quantize(int8);

        Assert.Equal(2, report.Convolutions.Count);
        Assert.Empty(report.Quantized);
        Assert.Contains(report.KeptFloat, m => m.NodeName == "adapter/matmul");
        Assert.Contains(report.KeptFloat, m => m.NodeName == "adapter/gate_matmul");
        AssertClose(RunHead(adapted), RunHead(int8), tolerance: 0.1f);
    }

    [Theory]
    [InlineData(EncoderPrecision.Int8, true, true)]
    [InlineData(EncoderPrecision.Int8, false, false)]
    [InlineData(EncoderPrecision.Fp32, true, false)]
    public void TaskHead_QuantizesOnlyForTheInt8Encoder(EncoderPrecision precision, bool quantizeHeads, bool expectInt8)
    {
        var registry = new ModelRegistry(ShippedModels);
        var manifest = registry.Verify(NlpTask.Ner, "v1");
        var sessions = new SessionFactory(new InferenceSettings(ExecutionProvider.Cpu, Precision: precision, QuantizeHeads: quantizeHeads));

        using var head = new TaskHead(NlpTask.Ner, registry.VersionDirectory(NlpTask.Ner, "v1"), manifest, sessions);

        Assert.Equal(expectInt8, head.Quantization is not null);
        if (expectInt8)
        {
            Assert.Equal(2, head.Quantization!.Convolutions.Count);
            Assert.Contains("2 convolutions", head.Quantization.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TaskHead_Int8_RefusesAHeadFileChangedAfterItsManifestWasChecked()
    {
        var root = Path.Combine(Path.GetTempPath(), $"int8-head-{Guid.NewGuid():N}");
        try
        {
            var folder = Path.Combine(root, "ner", "v1");
            Directory.CreateDirectory(folder);
            foreach (var file in Directory.GetFiles(Path.Combine(ShippedModels, "ner", "v1")))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            var registry = new ModelRegistry(root);
            var manifest = registry.Verify(NlpTask.Ner, "v1");
            var path = Path.Combine(folder, HeadContract.FileName);
            var bytes = File.ReadAllBytes(path);
            bytes[^1] ^= 0x01;
            File.WriteAllBytes(path, bytes);
            var sessions = new SessionFactory(new InferenceSettings(ExecutionProvider.Cpu, Precision: EncoderPrecision.Int8));

            var error = Assert.Throws<ModelIntegrityException>(() => new TaskHead(NlpTask.Ner, folder, manifest, sessions));

            Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static ResidualAdapter RandomAdapter(int dimension, int classes, int seed)
    {
        var random = new Random(seed);
        float[] Values(int count, float scale) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1) * scale)];
        return new ResidualAdapter(Values(classes * dimension, 0.1f), Values(classes, 1f), dimension, championScale: 0.4f, Values(dimension, 0.1f), 0.3f);
    }

    /// <summary>One Conv node: X [batch, channels, seq] → Y, weight "w" [out, channels, kernel], bias "b".</summary>
    private static ModelProto SingleConv(int channels, int outputs, int kernel, int dilation, int padBegin, int padEnd, string? autoPad, float[] weights, float[] bias)
    {
        var model = new ModelProto { IrVersion = 8, OpsetImport = { new OperatorSetIdProto { Version = 17 } } };
        var graph = new GraphProto { Name = "conv" };
        graph.Input.Add(Tensor("x", TensorProto.Types.DataType.Float));
        graph.Output.Add(Tensor("y", TensorProto.Types.DataType.Float));
        graph.Initializer.Add(FloatTensor("w", weights, outputs, channels, kernel));
        graph.Initializer.Add(FloatTensor("b", bias, outputs));
        var node = new NodeProto { OpType = "Conv", Name = "conv", Input = { "x", "w", "b" }, Output = { "y" } };
        node.Attribute.Add(new AttributeProto { Name = "kernel_shape", Type = AttributeProto.Types.AttributeType.Ints, Ints = { kernel } });
        node.Attribute.Add(new AttributeProto { Name = "dilations", Type = AttributeProto.Types.AttributeType.Ints, Ints = { dilation } });
        if (autoPad is null)
        {
            node.Attribute.Add(new AttributeProto { Name = "pads", Type = AttributeProto.Types.AttributeType.Ints, Ints = { padBegin, padEnd } });
        }
        else
        {
            node.Attribute.Add(new AttributeProto { Name = "auto_pad", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(autoPad) });
        }

        graph.Node.Add(node);
        model.Graph = graph;
        return model;
    }

    private static ValueInfoProto Tensor(string name, TensorProto.Types.DataType type) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)type,
                Shape = new TensorShapeProto
                {
                    Dim = { new TensorShapeProto.Types.Dimension { DimParam = "b" }, new TensorShapeProto.Types.Dimension { DimParam = "c" }, new TensorShapeProto.Types.Dimension { DimParam = "s" } },
                },
            },
        },
    };

    private static TensorProto FloatTensor(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(dims);
        tensor.FloatData.Add(values);
        return tensor;
    }

    private static (long[] Shape, float[] Values) RunSingle(ModelProto model, float[] input, long[] shape)
    {
        using var session = new InferenceSession(model.ToByteArray());
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["x"], [value], ["y"]);
        return (outputs[0].GetTensorTypeAndShape().Shape, outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    /// <summary>The head on a fixed batch of 3 padded sequences of hidden-state-like values; only real positions are returned.</summary>
    private static float[] RunHead(ModelProto model)
    {
        const int batch = 3, sequence = 12;
        int[] lengths = [12, 7, 2];
        var random = new Random(11);
        var hidden = Enumerable.Range(0, batch * sequence * Hidden).Select(_ => (float)(random.NextDouble() - 0.5) * 2f).ToArray();
        var features = Enumerable.Range(0, batch * sequence * FeatureCount).Select(_ => (float)random.Next(2)).ToArray();
        var mask = new long[batch * sequence];
        for (var b = 0; b < batch; b++)
        {
            mask.AsSpan(b * sequence, lengths[b]).Fill(1);
        }

        using var session = new InferenceSession(model.ToByteArray());
        using var hiddenValue = OrtValue.CreateTensorValueFromMemory(hidden, [batch, sequence, Hidden]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [batch, sequence]);
        using var featureValue = OrtValue.CreateTensorValueFromMemory(features, [batch, sequence, FeatureCount]);
        var names = session.InputNames.ToArray();
        var values = names.Select(n => n switch
        {
            HeadContract.HiddenStates => hiddenValue,
            HeadContract.AttentionMask => maskValue,
            _ when n.StartsWith(HeadContract.LayerStatesPrefix, StringComparison.Ordinal) => hiddenValue, // a layer mix's other layers
            _ => featureValue,
        }).ToArray();
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, names, values, [HeadContract.Probabilities]);
        var probabilities = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        if (shape.Length == 2)
        {
            return probabilities;
        }

        var tags = (int)shape[2];
        return [.. Enumerable.Range(0, batch).SelectMany(b => probabilities.Skip(b * sequence * tags).Take(lengths[b] * tags))];
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= tolerance, $"largest difference {worst}, allowed {tolerance}");
    }
}
