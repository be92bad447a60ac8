using System.Numerics.Tensors;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Quantization;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.UnitTests.Models.Quantization;

/// <summary>
/// The fp16 conversion of the packaged encoder, checked on its structure (every weight read by fp16 nodes is fp16, the
/// 13 LayerNorms stay fp32, inputs and outputs unchanged, casts at every crossing) and run: ONNX Runtime's CPU provider
/// loads the fp16 graph (it computes ops without fp16 CPU kernels in fp32 behind casts), so parity with fp32 is checked
/// here too.
/// </summary>
public sealed class Float16ConverterTests : IClassFixture<PackagedEncoderFixture>
{
    private const int Float = (int)TensorProto.Types.DataType.Float;
    private const int Float16 = (int)TensorProto.Types.DataType.Float16;

    private readonly PackagedEncoderFixture _encoder;

    public Float16ConverterTests(PackagedEncoderFixture encoder) => _encoder = encoder;

    [Fact]
    public void Convert_RealEncoder_WeightsFp16_LayerNormsFp32_InputsAndOutputsUnchanged()
    {
        var original = _encoder.LoadModel();
        var model = _encoder.LoadModel();

        var report = new Float16Converter().Convert(model);

        var graph = model.Graph;
        Assert.Equal(13, report.LayerNorms); // embeddings + 2 per layer × 6
        Assert.Equal(26, report.KeptFloat32Initializers); // γ and β of each LayerNorm
        Assert.Equal(13 * 9, report.Float32Nodes);
        Assert.Equal(original.Graph.Input.Select(Describe), graph.Input.Select(Describe));
        Assert.Equal(original.Graph.Output.Select(Describe), graph.Output.Select(Describe));
        Assert.All(graph.Output, o => Assert.Equal(Float, o.Type.TensorType.ElemType));

        var types = Float16Converter.InferTypes(graph);
        var fp32Readers = Float16Converter.FindDecomposedLayerNorms(graph).SelectMany(c => c).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var initializer in graph.Initializer.Where(i => i.DataType is Float or Float16))
        {
            var readers = graph.Node.Where(n => n.Input.Contains(initializer.Name)).ToList();
            Assert.Equal(readers.All(fp32Readers.Contains) ? Float : Float16, initializer.DataType);
        }

        Assert.Equal(original.Graph.Initializer.Count(i => i.DataType == Float) - 26, graph.Initializer.Count(i => i.DataType == Float16));
        // Every node reads values of one float precision: no fp32 value reaches an fp16 node or the reverse.
        foreach (var node in graph.Node.Where(n => n.OpType != "Cast"))
        {
            var floats = node.Input.Where(i => types.GetValueOrDefault(i) is Float or Float16).Select(i => types[i]).Distinct().ToList();
            Assert.True(floats.Count <= 1, $"{node.Name} ({node.OpType}) mixes float precisions");
        }

        // last_hidden_state comes straight out of the last (fp32) LayerNorm; the pooler output is cast back to fp32.
        Assert.Equal(Float, types["last_hidden_state"]);
        var pooler = graph.Output.Single(o => o.Name != "last_hidden_state").Name;
        Assert.Contains(graph.Node, n => n is { OpType: "Cast" } && n.Output[0] == pooler && n.Attribute.Single().I == Float);
        // The attention mask's Cast to float now casts to fp16; no Cast to FLOAT remains except at the fp32 crossings.
        Assert.Equal(report.AddedCasts, graph.Node.Count(n => n.OpType == "Cast") - 1);
        Assert.Contains(graph.Node, n => n.Name == "Cast_4" && n.Attribute.Single().I == Float16);
    }

    [Fact]
    public void Convert_RealEncoder_RunsOnTheCpuProviderAndFollowsFp32()
    {
        var model = _encoder.LoadModel();
        new Float16Converter().Convert(model);
        var path = Path.Combine(_encoder.Root, "fp16-converter-test.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        var sessions = new SessionFactory(new InferenceSettings(ExecutionProvider.Cpu, IntraOpThreads: 1));
        using var fp32 = new EncoderSession(_encoder.Files, sessions);
        using var fp16 = new EncoderSession(_encoder.Files with { ModelPath = path }, sessions);
        var tokenizer = new TextTokenizer(_encoder.Files.VocabularyPath, uncased: true);
        var texts = new[]
        {
            "Roger Federer won the Wimbledon final in London.",
            "Oil prices climbed on Monday after OPEC signalled it may cut output again.",
            "The battery died after two days and support never answered my emails.",
        }.Select(t => tokenizer.Tokenize(t, 64)).ToList();

        using var expected = fp32.Run(texts);
        using var actual = fp16.Run(texts);

        var min = 1.0;
        for (var b = 0; b < texts.Count; b++)
        {
            for (var p = 0; p < texts[b].Length; p++)
            {
                var offset = ((b * expected.SequenceLength) + p) * expected.HiddenSize;
                min = Math.Min(min, TensorPrimitives.CosineSimilarity(expected.HiddenStatesData.Slice(offset, 384), actual.HiddenStatesData.Slice(offset, 384)));
            }
        }

        // Measured 0.999999 (fp16 weights, fp32 arithmetic on the CPU). On a GPU the arithmetic is fp16 too.
        Assert.True(min >= 0.9999, $"min per-token cosine {min:F6}");
    }

    [Fact]
    public void Convert_TinyGraph_WithLayerNormCastAndConstant_RunsInOnnxRuntime()
    {
        // x [2,4] float → MatMul W → LayerNorm (decomposed, γ β) → Mul(mask cast to float) → y float.
        var model = TinyGraph();
        var reference = Run(model.ToByteArray());
        var report = new Float16Converter().Convert(model);

        Assert.Equal(1, report.LayerNorms);
        Assert.Equal(Float, model.Graph.Input[0].Type.TensorType.ElemType);
        Assert.Equal(Float, model.Graph.Output[0].Type.TensorType.ElemType);
        Assert.Contains(model.Graph.Node, n => n.OpType == "Cast" && n.Input[0] == "x"); // graph input cast to fp16 before MatMul
        Assert.Equal(Float16, model.Graph.Initializer.Single(i => i.Name == "W").DataType);
        Assert.Equal(Float, model.Graph.Initializer.Single(i => i.Name == "gamma").DataType);
        var converted = Run(model.ToByteArray());
        for (var i = 0; i < reference.Length; i++)
        {
            Assert.InRange(converted[i], reference[i] - 0.01f, reference[i] + 0.01f);
        }
    }

    [Theory]
    [InlineData(1e-12f, 5.96e-08f)]
    [InlineData(-1e-12f, -5.96e-08f)]
    [InlineData(1e6f, 65504f)]
    [InlineData(-3.4e38f, -65504f)]
    [InlineData(0f, 0f)]
    [InlineData(0.5f, 0.5f)]
    public void ToHalf_KeepsSignAndFiniteness(float value, float expected) =>
        Assert.Equal((Half)expected, Float16Converter.ToHalf(value));

    [Fact]
    public void Convert_UnknownOp_IsRefusedNamingIt()
    {
        var model = TinyGraph();
        model.Graph.Node[0].OpType = "FancyOp";

        var error = Assert.Throws<NotSupportedException>(() => new Float16Converter().Convert(model));

        Assert.Contains("FancyOp", error.Message, StringComparison.Ordinal);
    }

    private static string Describe(ValueInfoProto value) => $"{value.Name}:{value.Type.TensorType.ElemType}";

    private static float[] Run(byte[] model)
    {
        using var session = new InferenceSession(model);
        float[] x = [1, -2, 3, 0.5f, 2, 2, -1, 4];
        long[] mask = [1, 0];
        using var xValue = OrtValue.CreateTensorValueFromMemory(x, [2, 4]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [2, 1]);
        using var outputs = session.Run(new RunOptions(), ["x", "mask"], [xValue, maskValue], ["y"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static ModelProto TinyGraph()
    {
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(Value("x", Float, 2, 4));
        graph.Input.Add(Value("mask", (int)TensorProto.Types.DataType.Int64, 2, 1));
        graph.Output.Add(Value("y", Float, 2, 3));
        graph.Initializer.Add(Tensor("W", [4, 3], [0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f, 0.7f, 0.8f, 0.9f, -1f, 1.1f, 1.2f]));
        graph.Initializer.Add(Tensor("gamma", [3], [1f, 0.5f, 2f]));
        graph.Initializer.Add(Tensor("beta", [3], [0f, 0.1f, -0.1f]));
        graph.Initializer.Add(Tensor("two", [], [2f]));
        graph.Initializer.Add(Tensor("eps", [], [1e-12f]));
        graph.Node.Add(Node("MatMul", "mm", ["x", "W"], ["h"]));
        var mean = Node("ReduceMean", "ln_mean", ["h"], ["m"]);
        mean.Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { -1 } });
        graph.Node.Add(mean);
        graph.Node.Add(Node("Sub", "ln_sub", ["h", "m"], ["d"]));
        graph.Node.Add(Node("Pow", "ln_pow", ["d", "two"], ["p"]));
        var variance = Node("ReduceMean", "ln_var", ["p"], ["v"]);
        variance.Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { -1 } });
        graph.Node.Add(variance);
        graph.Node.Add(Node("Add", "ln_eps", ["v", "eps"], ["ve"]));
        graph.Node.Add(Node("Sqrt", "ln_sqrt", ["ve"], ["s"]));
        graph.Node.Add(Node("Div", "ln_div", ["d", "s"], ["n"]));
        graph.Node.Add(Node("Mul", "ln_gamma", ["n", "gamma"], ["g"]));
        graph.Node.Add(Node("Add", "ln_beta", ["g", "beta"], ["ln"]));
        var cast = Node("Cast", "mask_cast", ["mask"], ["maskf"]);
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = Float });
        graph.Node.Add(cast);
        graph.Node.Add(Node("Mul", "masked", ["ln", "maskf"], ["y"]));
        var model = new ModelProto { IrVersion = 7, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model;
    }

    private static NodeProto Node(string op, string name, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        return node;
    }

    private static TensorProto Tensor(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = Float };
        tensor.Dims.Add(dims);
        tensor.FloatData.Add(values);
        return tensor;
    }

    private static ValueInfoProto Value(string name, int type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type, Shape = shape } } };
    }
}
