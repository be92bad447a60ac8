using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Quantization;

namespace StreamNlp.UnitTests.Models.Quantization;

public sealed class DynamicMatMulQuantizerTests : IClassFixture<PackagedEncoderFixture>
{
    private readonly PackagedEncoderFixture _encoder;

    public DynamicMatMulQuantizerTests(PackagedEncoderFixture encoder) => _encoder = encoder;

    [Fact]
    public void Quantize_RealEncoder_RewritesExactlyThe36WeightMatMuls()
    {
        var model = _encoder.LoadModel();
        var matMulsBefore = model.Graph.Node.Count(n => n.OpType == "MatMul");
        var addsBefore = model.Graph.Node.Count(n => n.OpType == "Add");
        var weights = DynamicMatMulQuantizer.FindWeightMatMuls(model);
        var fp32WeightNames = weights.Select(w => w.WeightName).ToHashSet();

        var report = new DynamicMatMulQuantizer(QuantizationGranularity.PerColumn).Quantize(model);

        // 6 layers × (Q, K, V, attention output, FFN in, FFN out); the 12 activation × activation MatMuls
        // (scores and context of each layer) have no constant weight and stay fp32, as does the pooler Gemm.
        Assert.Equal(48, matMulsBefore);
        Assert.Equal(36, weights.Count);
        Assert.Equal(36, report.Quantized.Count);
        Assert.Empty(report.KeptFloat);
        Assert.Equal(12, model.Graph.Node.Count(n => n.OpType == "MatMul"));
        Assert.Equal(36, model.Graph.Node.Count(n => n.OpType == "MatMulIntegerToFloat" && n.Domain == DynamicMatMulQuantizer.MicrosoftDomain));
        Assert.Equal(1, model.Graph.Node.Count(n => n.OpType == "Gemm"));
        // Q, K and V read the same activation: 4 activation quantizations per layer, not 6.
        Assert.Equal(24, model.Graph.Node.Count(n => n.OpType == "DynamicQuantizeLinear"));
        Assert.Contains(model.OpsetImport, o => o.Domain == DynamicMatMulQuantizer.MicrosoftDomain && o.Version == 1);
        Assert.DoesNotContain(model.Graph.Initializer, i => fp32WeightNames.Contains(i.Name));
        // Each weight MatMul's bias Add is folded into the integer kernel's 7th input.
        Assert.Equal(addsBefore - 36, model.Graph.Node.Count(n => n.OpType == "Add"));
        Assert.All(model.Graph.Node.Where(n => n.OpType == "MatMulIntegerToFloat"), n => Assert.Equal(7, n.Input.Count));
        var initializers = model.Graph.Initializer.ToDictionary(i => i.Name);
        foreach (var node in model.Graph.Node.Where(n => n.OpType == "MatMulIntegerToFloat"))
        {
            var weight = initializers[node.Input[1]];
            Assert.Equal((int)TensorProto.Types.DataType.Int8, weight.DataType);
            Assert.Equal(weight.Dims[1], Assert.Single(initializers[node.Input[3]].Dims)); // one scale per column
        }
    }

    [Fact]
    public void Quantize_WithIncludePredicate_LeavesTheOthersFloat()
    {
        var model = _encoder.LoadModel();

        var report = new DynamicMatMulQuantizer(QuantizationGranularity.PerTensor, m => m.Rows != 1536).Quantize(model);

        Assert.Equal(30, report.Quantized.Count);
        Assert.Equal(6, report.KeptFloat.Count);
        Assert.All(report.KeptFloat, m => Assert.Equal((1536, 384), (m.Rows, m.Columns)));
        Assert.Equal(12 + 6, model.Graph.Node.Count(n => n.OpType == "MatMul"));
        var kept = report.KeptFloat.Select(k => k.NodeName).ToHashSet();
        Assert.Equal(6, model.Graph.Node.Count(n => n.OpType == "MatMul" && kept.Contains(n.Name)));
    }

    [Fact]
    public void Quantize_WeightThatIsAlsoAGraphInput_IsNotConstantAndStaysFloat()
    {
        var model = TinyModel(out _, out _);
        model.Graph.Input.Add(new ValueInfoProto { Name = "w", Type = model.Graph.Input[0].Type });

        var report = new DynamicMatMulQuantizer(QuantizationGranularity.PerColumn).Quantize(model);

        Assert.Empty(report.Quantized);
        Assert.Equal("MatMul", Assert.Single(model.Graph.Node).OpType);
    }

    [Theory]
    [InlineData(QuantizationGranularity.PerTensor, false)]
    [InlineData(QuantizationGranularity.PerColumn, false)]
    [InlineData(QuantizationGranularity.PerTensor, true)]
    [InlineData(QuantizationGranularity.PerColumn, true)]
    public void Quantize_TinyGraph_RunsInOnnxRuntimeCloseToTheFloatResult(QuantizationGranularity granularity, bool withBias)
    {
        var model = TinyModel(out var weights, out var input);
        float[] bias = withBias ? [0.5f, -0.25f, 1f] : [0f, 0f, 0f];
        if (withBias)
        {
            AddBias(model, bias);
        }

        var report = new DynamicMatMulQuantizer(granularity).Quantize(model);

        Assert.Single(report.Quantized);
        Assert.Equal(["MatMulIntegerToFloat"], model.Graph.Node.Where(n => n.OpType != "DynamicQuantizeLinear").Select(n => n.OpType));

        using var session = new InferenceSession(model.ToByteArray());
        using var x = OrtValue.CreateTensorValueFromMemory(input, [2, 4]);
        using var options = new RunOptions();
        using var outputs = session.Run(options, ["x"], [x], ["y"]);
        var y = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        for (var r = 0; r < 2; r++)
        {
            for (var c = 0; c < 3; c++)
            {
                var expected = bias[c];
                for (var k = 0; k < 4; k++)
                {
                    expected += input[(r * 4) + k] * weights[(k * 3) + c];
                }

                // Activations: 8-bit over [-2, 2] (step 0.016); weights: 7 bits plus sign.
                Assert.InRange(y[(r * 3) + c], expected - 0.06f, expected + 0.06f);
            }
        }
    }

    [Fact]
    public void QuantizeSymmetric_OutlierColumn_PerColumnKeepsTheSmallColumnsPrecise()
    {
        // Column 0 holds a weight 50× larger than the rest, as the encoder's FFN output matrices do.
        float[] weights = [5f, 0.1f, -0.07f, 0.03f, -0.015f, 0.01f];

        var (tensorCodes, tensorScales) = DynamicMatMulQuantizer.QuantizeSymmetric(weights, 2, 3, QuantizationGranularity.PerTensor);
        var (columnCodes, columnScales) = DynamicMatMulQuantizer.QuantizeSymmetric(weights, 2, 3, QuantizationGranularity.PerColumn);

        Assert.Single(tensorScales);
        Assert.Equal(3, columnScales.Length);
        for (var i = 0; i < weights.Length; i++)
        {
            var columnError = MathF.Abs((columnCodes[i] * columnScales[i % 3]) - weights[i]);
            Assert.True(columnError <= (columnScales[i % 3] / 2) + 1e-7f, $"weight {i}: error {columnError}");
            Assert.InRange(columnCodes[i], (sbyte)-127, (sbyte)127);
        }

        // Per tensor, column 1's -0.015 rounds to 0 (step 5/127 ≈ 0.039); per column (step 0.1/127) it survives.
        Assert.Equal(0, tensorCodes[4]);
        Assert.NotEqual(0, columnCodes[4]);
        Assert.Equal(127, columnCodes[0]);
    }

    /// <summary>Turns the tiny graph into y = x · w + b: the MatMul writes <c>xw</c>, an Add of constant b [3] writes y.</summary>
    private static void AddBias(ModelProto model, float[] bias)
    {
        var graph = model.Graph;
        graph.Node[0].Output[0] = "xw";
        var b = new TensorProto { Name = "b", DataType = (int)TensorProto.Types.DataType.Float };
        b.Dims.Add(bias.Length);
        b.FloatData.Add(bias);
        graph.Initializer.Add(b);
        var add = new NodeProto { OpType = "Add", Name = "add" };
        add.Input.Add(["xw", "b"]);
        add.Output.Add("y");
        graph.Node.Add(add);
    }

    /// <summary>y = x · w with x float [2, 4] and w a constant [4, 3].</summary>
    private static ModelProto TinyModel(out float[] weights, out float[] input)
    {
        weights = [0.5f, -1f, 0.25f, 0.1f, 0.9f, -0.3f, -0.75f, 0.2f, 0.05f, 1f, -0.6f, 0.4f];
        input = [1f, -2f, 0.5f, 1.5f, -0.25f, 2f, -1f, 0.75f];
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(Value("x", 2, 4));
        graph.Output.Add(Value("y", 2, 3));
        var w = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float };
        w.Dims.Add([4, 3]);
        w.FloatData.Add(weights);
        graph.Initializer.Add(w);
        var node = new NodeProto { OpType = "MatMul", Name = "mm" };
        node.Input.Add(["x", "w"]);
        node.Output.Add("y");
        graph.Node.Add(node);
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        return model;
    }

    private static ValueInfoProto Value(string name, long rows, long columns)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = rows });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = columns });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
