using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace StreamNlp.Models.Quantization;

/// <summary>
/// Dynamic int8 quantization of the weight MatMuls of an ONNX graph, written in C# so the project
/// derives its int8 encoder itself (no Python tool chain, and the result is reproducible from the
/// pinned fp32 file). Each <c>MatMul(A, B)</c> whose B is a constant float initializer becomes
/// <c>DynamicQuantizeLinear(A) → MatMulIntegerToFloat(A_q, B_q, a_scale, b_scale, a_zp, b_zp)</c>
/// (com.microsoft domain): B is stored as symmetric int8 (zero point 0, range ±127), A is quantized to
/// uint8 per batch at run time, and the product comes back as float. Everything else stays fp32.
/// With <c>foldBias</c>, a MatMul whose only reader is <c>Add(·, bias)</c> with a constant 1-D bias of one
/// value per column hands the bias to MatMulIntegerToFloat's optional 7th input and the Add disappears:
/// ONNX Runtime 1.31 fuses no such Add into the integer kernels itself (checked on its optimized graph).
/// </summary>
/// <remarks>
/// One DynamicQuantizeLinear serves every rewritten MatMul that reads the same activation (Q, K and V
/// of a layer share one), inserted just before the first of them so the node list stays topologically
/// sorted. Weights use ±127 rather than −128…127 so that the grid is symmetric around zero.
/// </remarks>
public sealed class DynamicMatMulQuantizer(QuantizationGranularity granularity, Func<WeightMatMul, bool>? include = null, bool foldBias = true)
{
    /// <summary>Domain of ONNX Runtime's contrib operators (MatMulIntegerToFloat).</summary>
    public const string MicrosoftDomain = "com.microsoft";

    /// <summary>Suffix of the int8 weight initializers this quantizer adds.</summary>
    public const string QuantizedSuffix = "_quantized";

    public QuantizationGranularity Granularity { get; } = granularity;

    /// <summary>The MatMuls whose second input is a constant 2-D float initializer, in graph order.</summary>
    public static IReadOnlyList<WeightMatMul> FindWeightMatMuls(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        // An initializer that is also a graph input is a default the caller may override: not constant.
        var inputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var found = new List<WeightMatMul>();
        foreach (var node in graph.Node)
        {
            if (node.OpType != "MatMul" || !string.IsNullOrEmpty(node.Domain) || node.Input.Count != 2)
            {
                continue;
            }

            if (!initializers.TryGetValue(node.Input[1], out var weight) || inputs.Contains(weight.Name)
                || weight.DataType != (int)TensorProto.Types.DataType.Float || weight.Dims.Count != 2)
            {
                continue;
            }

            found.Add(new WeightMatMul(found.Count, node.Name, node.Input[0], weight.Name, checked((int)weight.Dims[0]), checked((int)weight.Dims[1])));
        }

        return found;
    }

    /// <summary>
    /// Rewrites <paramref name="model"/> in place: every weight MatMul that <c>include</c> accepts (all
    /// when it is null) becomes integer; the fp32 weights it replaced are removed when nothing else reads them.
    /// </summary>
    public QuantizationReport Quantize(ModelProto model)
    {
        var candidates = FindWeightMatMuls(model);
        var chosen = candidates.Where(c => include?.Invoke(c) ?? true).ToDictionary(c => c.NodeName, StringComparer.Ordinal);
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var usedNames = new HashSet<string>(
            graph.Node.SelectMany(n => n.Output).Concat(graph.Node.Select(n => n.Name)).Concat(initializers.Keys).Concat(graph.Input.Select(i => i.Name)),
            StringComparer.Ordinal);

        var quantizedActivations = new Dictionary<string, (string Value, string Scale, string ZeroPoint)>(StringComparer.Ordinal);
        var quantizedWeights = new Dictionary<string, (string Value, string Scale, string ZeroPoint)>(StringComparer.Ordinal);
        var readers = graph.Node.SelectMany(n => n.Input.Distinct().Select(i => (Input: i, Node: n))).ToLookup(r => r.Input, r => r.Node, StringComparer.Ordinal);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var constants = initializers.Keys.Except(graph.Input.Select(i => i.Name), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var foldedAdds = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var nodes = new List<NodeProto>(graph.Node.Count + chosen.Count);
        foreach (var node in graph.Node)
        {
            if (foldedAdds.Contains(node))
            {
                continue;
            }

            if (!chosen.TryGetValue(node.Name, out var matMul) || node.OpType != "MatMul")
            {
                nodes.Add(node);
                continue;
            }

            if (!quantizedActivations.TryGetValue(matMul.ActivationName, out var activation))
            {
                var stem = Unique($"{matMul.ActivationName}_dql", usedNames);
                activation = (Unique($"{stem}_quantized", usedNames), Unique($"{stem}_scale", usedNames), Unique($"{stem}_zero_point", usedNames));
                var dynamicQuantize = new NodeProto { OpType = "DynamicQuantizeLinear", Name = stem };
                dynamicQuantize.Input.Add(matMul.ActivationName);
                dynamicQuantize.Output.Add([activation.Value, activation.Scale, activation.ZeroPoint]);
                nodes.Add(dynamicQuantize);
                quantizedActivations[matMul.ActivationName] = activation;
            }

            if (!quantizedWeights.TryGetValue(matMul.WeightName, out var weight))
            {
                weight = AddQuantizedWeight(graph, initializers[matMul.WeightName], matMul, usedNames);
                quantizedWeights[matMul.WeightName] = weight;
            }

            var integer = new NodeProto { OpType = "MatMulIntegerToFloat", Domain = MicrosoftDomain, Name = Unique($"{node.Name}_int8", usedNames) };
            integer.Input.Add([activation.Value, weight.Value, activation.Scale, weight.Scale, activation.ZeroPoint, weight.ZeroPoint]);
            if (foldBias && BiasAdd(node.Output[0], matMul.Columns, readers, graphOutputs, constants, initializers) is { } add)
            {
                integer.Input.Add(add.Bias);
                integer.Output.Add(add.Node.Output);
                foldedAdds.Add(add.Node);
            }
            else
            {
                integer.Output.Add(node.Output);
            }

            nodes.Add(integer);
        }

        graph.Node.Clear();
        graph.Node.Add(nodes);
        RemoveUnreadInitializers(graph, quantizedWeights.Keys);
        if (chosen.Count > 0 && !model.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }

        return new QuantizationReport(
            [.. candidates.Where(c => chosen.ContainsKey(c.NodeName))],
            [.. candidates.Where(c => !chosen.ContainsKey(c.NodeName))]);
    }

    /// <summary>
    /// Symmetric int8 codes of a row-major [rows, columns] matrix and their scales: one scale, or one per
    /// column. Public so tests can check the arithmetic (|code × scale − w| ≤ scale / 2).
    /// </summary>
    public static (sbyte[] Codes, float[] Scales) QuantizeSymmetric(ReadOnlySpan<float> weights, int rows, int columns, QuantizationGranularity granularity)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(weights.Length, rows * columns);
        var scales = new float[granularity == QuantizationGranularity.PerColumn ? columns : 1];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var s = scales.Length == 1 ? 0 : c;
                scales[s] = MathF.Max(scales[s], MathF.Abs(weights[(r * columns) + c]));
            }
        }

        for (var s = 0; s < scales.Length; s++)
        {
            // An all-zero column keeps scale 1 (its codes are 0 whatever the scale); ONNX Runtime divides by nothing here.
            scales[s] = scales[s] > 0 ? scales[s] / 127f : 1f;
        }

        var codes = new sbyte[weights.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var i = (r * columns) + c;
                var scale = scales[scales.Length == 1 ? 0 : c];
                codes[i] = (sbyte)Math.Clamp(MathF.Round(weights[i] / scale, MidpointRounding.ToEven), -127f, 127f);
            }
        }

        return (codes, scales);
    }

    private (string Value, string Scale, string ZeroPoint) AddQuantizedWeight(GraphProto graph, TensorProto weight, WeightMatMul matMul, HashSet<string> usedNames) =>
        AddQuantizedWeight(graph, weight.Name, Graphs.FloatTensorData.Read(weight), matMul.Rows, matMul.Columns, Granularity, usedNames);

    /// <summary>
    /// Adds a row-major [rows, columns] float matrix to <paramref name="graph"/> as MatMulIntegerToFloat's B: symmetric int8
    /// codes, their scales (1-D, one per column, or one scalar) and zero points (0). Returns the three initializers' names.
    /// </summary>
    internal static (string Value, string Scale, string ZeroPoint) AddQuantizedWeight(
        GraphProto graph, string name, float[] weights, int rows, int columns, QuantizationGranularity granularity, HashSet<string> usedNames)
    {
        var (codes, scales) = QuantizeSymmetric(weights, rows, columns, granularity);
        var value = new TensorProto
        {
            Name = Unique(name + QuantizedSuffix, usedNames),
            DataType = (int)TensorProto.Types.DataType.Int8,
            RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(codes.AsSpan())),
        };
        value.Dims.Add([rows, columns]);
        var scale = new TensorProto { Name = Unique(name + "_scale", usedNames), DataType = (int)TensorProto.Types.DataType.Float };
        var zeroPoint = new TensorProto
        {
            Name = Unique(name + "_zero_point", usedNames),
            DataType = (int)TensorProto.Types.DataType.Int8,
            RawData = ByteString.CopyFrom(new byte[scales.Length]),
        };
        if (scales.Length > 1)
        {
            // 1-D [N]: MatMulIntegerToFloat reads it as one scale (and zero point) per column of B.
            scale.Dims.Add(scales.Length);
            zeroPoint.Dims.Add(scales.Length);
        }

        scale.RawData = ByteString.CopyFrom(Graphs.FloatTensorData.ToBytes(scales));
        graph.Initializer.Add([value, scale, zeroPoint]);
        return (value.Name, scale.Name, zeroPoint.Name);
    }

    /// <summary>The <c>Add(value, bias)</c> that alone reads <paramref name="value"/>, when bias is a constant float [columns].</summary>
    private static (NodeProto Node, string Bias)? BiasAdd(
        string value, int columns, ILookup<string, NodeProto> readers, HashSet<string> graphOutputs, HashSet<string> constants, Dictionary<string, TensorProto> initializers)
    {
        var reading = readers[value].ToList();
        if (graphOutputs.Contains(value) || reading.Count != 1 || reading[0] is not { OpType: "Add", Input.Count: 2 } add || !string.IsNullOrEmpty(add.Domain))
        {
            return null;
        }

        var bias = add.Input[0] == value ? add.Input[1] : add.Input[0];
        return bias != value && constants.Contains(bias) && initializers[bias] is { Dims.Count: 1 } tensor
            && tensor.Dims[0] == columns && tensor.DataType == (int)TensorProto.Types.DataType.Float
            ? (add, bias)
            : null;
    }

    private static void RemoveUnreadInitializers(GraphProto graph, IEnumerable<string> candidates)
    {
        var read = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        var unread = candidates.Where(c => !read.Contains(c)).ToHashSet(StringComparer.Ordinal);
        for (var i = graph.Initializer.Count - 1; i >= 0; i--)
        {
            if (unread.Contains(graph.Initializer[i].Name))
            {
                graph.Initializer.RemoveAt(i);
            }
        }
    }

    internal static string Unique(string name, HashSet<string> used)
    {
        var candidate = name;
        for (var i = 1; !used.Add(candidate); i++)
        {
            candidate = $"{name}_{i}";
        }

        return candidate;
    }
}
