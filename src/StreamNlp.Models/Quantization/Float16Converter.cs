using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace StreamNlp.Models.Quantization;

/// <summary>
/// Converts an fp32 ONNX graph to fp16 in C#, following the rules of ONNX Runtime's
/// <c>float16.convert_float_to_float16</c> (from onnxconverter-common) with <c>keep_io_types=True</c>:
/// float initializers and <c>Constant</c> values become float16 (values beyond ±65504 clamp to ±65504, non-zero
/// values nearer zero than 5.96e-8 to ±5.96e-8, so no sign or finiteness changes), <c>Cast(to=FLOAT)</c> becomes
/// <c>Cast(to=FLOAT16)</c>, and the graph's float inputs and outputs stay float32 behind <c>Cast</c> nodes. Nodes
/// in the block list stay fp32, with a <c>Cast</c> wherever a value crosses between the two precisions; an
/// initializer or constant that only blocked nodes read stays fp32.
/// </summary>
/// <remarks>
/// Beyond the converter's default block list, every decomposed LayerNorm (ReduceMean → Sub → Pow → ReduceMean →
/// Add ε → Sqrt → Div → Mul γ → Add β, as PyTorch exports BERT's) stays fp32: the squared deviations can exceed
/// fp16's range and ε (1e-12) rounds to 5.96e-8, and ONNX Runtime's own fp16 path keeps LayerNorm's arithmetic in
/// fp32 too (its fused LayerNormalization kernels accumulate in float). The encoder's last LayerNorm writes
/// <c>last_hidden_state</c>, so that output is computed in fp32 and needs no cast.
/// Types are propagated forward through the node list (no shape inference library here); an op whose result type
/// this converter does not know stops the conversion instead of guessing.
/// </remarks>
public sealed class Float16Converter
{
    /// <summary>ONNX Runtime's <c>float16.DEFAULT_OP_BLOCK_LIST</c>: ops left in fp32 by default.</summary>
    public static IReadOnlySet<string> DefaultOpBlockList { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ArrayFeatureExtractor", "Binarizer", "CastMap", "CategoryMapper", "DictVectorizer", "FeatureVectorizer", "Imputer",
        "LabelEncoder", "LinearClassifier", "LinearRegressor", "Normalizer", "OneHotEncoder", "SVMClassifier", "SVMRegressor",
        "Scaler", "TreeEnsembleClassifier", "TreeEnsembleRegressor", "ZipMap", "NonMaxSuppression", "TopK", "RoiAlign",
        "Resize", "Range", "CumSum", "Min", "Max", "Upsample",
    };

    /// <summary>Smallest positive float16 (subnormal): non-zero weights nearer zero keep their sign at this size.</summary>
    public const float MinPositive = 5.96e-08f;

    /// <summary>Largest finite float16.</summary>
    public const float MaxFinite = 65504f;

    private const int Float = (int)TensorProto.Types.DataType.Float;
    private const int Float16 = (int)TensorProto.Types.DataType.Float16;

    private static readonly HashSet<string> SameTypeAsFirstInput = new(StringComparer.Ordinal)
    {
        "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Erf", "Tanh", "Relu", "Sigmoid", "Softmax", "LogSoftmax", "Neg", "Abs", "Exp", "Log",
        "MatMul", "Gemm", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "Unsqueeze", "Squeeze", "Reshape", "Transpose", "Slice",
        "Concat", "Identity", "Expand", "Tile", "Flatten", "Split", "Min", "Max", "Clip", "LayerNormalization", "Dropout",
    };

    private static readonly HashSet<string> BooleanResult = new(StringComparer.Ordinal) { "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or" };

    private readonly IReadOnlySet<string> _opBlockList;
    private readonly bool _keepLayerNormFloat32;

    /// <param name="opBlockList">Op types left in fp32; null: <see cref="DefaultOpBlockList"/>.</param>
    /// <param name="keepLayerNormFloat32">Leave every decomposed LayerNorm in fp32 (see remarks).</param>
    public Float16Converter(IReadOnlySet<string>? opBlockList = null, bool keepLayerNormFloat32 = true)
    {
        _opBlockList = opBlockList ?? DefaultOpBlockList;
        _keepLayerNormFloat32 = keepLayerNormFloat32;
    }

    /// <summary>Rewrites <paramref name="model"/> in place.</summary>
    /// <exception cref="NotSupportedException">An op whose output type is unknown here, a subgraph, or external weights.</exception>
    public Float16Report Convert(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        if (graph.Node.Any(n => n.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0)))
        {
            throw new NotSupportedException("Graphs with subgraphs (If, Loop, Scan) are not converted.");
        }

        var types = InferTypes(graph);
        var blocked = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var layerNorms = 0;
        foreach (var node in graph.Node.Where(n => _opBlockList.Contains(n.OpType)))
        {
            blocked.Add(node);
        }

        if (_keepLayerNormFloat32)
        {
            foreach (var chain in FindDecomposedLayerNorms(graph))
            {
                blocked.UnionWith(chain);
                layerNorms++;
            }
        }

        var readers = graph.Node.SelectMany(n => n.Input.Where(i => i.Length > 0).Distinct().Select(i => (Input: i, Node: n)))
            .ToLookup(r => r.Input, r => r.Node, StringComparer.Ordinal);

        // Float constants (Constant nodes) take the precision of their readers: fp32 when only blocked nodes read them.
        foreach (var constant in graph.Node.Where(n => n.OpType == "Constant" && types.GetValueOrDefault(n.Output[0]) == Float))
        {
            if (readers[constant.Output[0]].All(blocked.Contains) && readers[constant.Output[0]].Any())
            {
                blocked.Add(constant);
            }
        }

        // Which float tensors hold fp16 after conversion.
        var half = new HashSet<string>(StringComparer.Ordinal);
        var graphInputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var initializers = graph.Initializer.Where(i => !graphInputs.Contains(i.Name)).ToDictionary(i => i.Name, StringComparer.Ordinal);
        var convertedInitializers = 0;
        var keptInitializers = 0;
        foreach (var initializer in initializers.Values.Where(i => i.DataType == Float))
        {
            if (readers[initializer.Name].Any(n => !blocked.Contains(n)))
            {
                ToFloat16(initializer);
                half.Add(initializer.Name);
                convertedInitializers++;
            }
            else
            {
                keptInitializers++;
            }
        }

        foreach (var node in graph.Node.Where(n => !blocked.Contains(n)))
        {
            foreach (var output in node.Output.Where(o => types.GetValueOrDefault(o) == Float))
            {
                half.Add(output);
            }

            if (node.OpType == "Cast" && node.Attribute.FirstOrDefault(a => a.Name == "to") is { I: Float } to)
            {
                to.I = Float16;
            }

            foreach (var attribute in node.Attribute.Where(a => a.Name == "value" && a.T is { DataType: Float }))
            {
                ToFloat16(attribute.T);
            }
        }

        // Graph outputs stay float32: an fp16 output is renamed inside the graph and cast back under its own name.
        var usedNames = new HashSet<string>(
            graph.Node.SelectMany(n => n.Output).Concat(graph.Node.Select(n => n.Name)).Concat(graph.Initializer.Select(i => i.Name)).Concat(graphInputs),
            StringComparer.Ordinal);
        var outputCasts = new List<NodeProto>();
        foreach (var output in graph.Output.Where(o => half.Contains(o.Name)))
        {
            var inner = Unique($"{output.Name}_fp16", usedNames);
            foreach (var node in graph.Node)
            {
                Rename(node.Input, output.Name, inner);
                Rename(node.Output, output.Name, inner);
            }

            half.Remove(output.Name);
            half.Add(inner);
            types[inner] = Float;
            outputCasts.Add(CastNode(inner, output.Name, Float, Unique($"graph_output_cast_{output.Name}", usedNames)));
        }

        // A Cast wherever a float value meets a node of the other precision, inserted before its first such reader.
        var casts = new Dictionary<(string Tensor, int To), string>();
        var nodes = new List<NodeProto>(graph.Node.Count + outputCasts.Count);
        var insertedCasts = 0;
        foreach (var node in graph.Node)
        {
            var wantsHalf = !blocked.Contains(node);
            for (var i = 0; i < node.Input.Count; i++)
            {
                var input = node.Input[i];
                if (input.Length == 0 || types.GetValueOrDefault(input) != Float || half.Contains(input) == wantsHalf)
                {
                    continue;
                }

                var target = wantsHalf ? Float16 : Float;
                if (!casts.TryGetValue((input, target), out var cast))
                {
                    cast = Unique($"{input}_{(wantsHalf ? "fp16" : "fp32")}", usedNames);
                    nodes.Add(CastNode(input, cast, target, Unique($"{cast}_cast", usedNames)));
                    casts[(input, target)] = cast;
                    insertedCasts++;
                }

                node.Input[i] = cast;
            }

            nodes.Add(node);
        }

        nodes.AddRange(outputCasts);
        graph.Node.Clear();
        graph.Node.Add(nodes);

        // Stale float declarations of intermediate values would contradict the new types; ONNX Runtime infers them.
        for (var i = graph.ValueInfo.Count - 1; i >= 0; i--)
        {
            if (graph.ValueInfo[i].Type?.TensorType?.ElemType == Float)
            {
                graph.ValueInfo.RemoveAt(i);
            }
        }

        return new Float16Report(convertedInitializers, keptInitializers, blocked.Count(n => n.OpType != "Constant"), layerNorms, insertedCasts + outputCasts.Count, outputCasts.Count);
    }

    /// <summary>
    /// float32 → float16 bits as the converter stores them: clamped so that no non-zero finite value becomes 0 or
    /// infinity, then rounded to nearest even.
    /// </summary>
    public static Half ToHalf(float value)
    {
        if (value is > 0 and < MinPositive)
        {
            value = MinPositive;
        }
        else if (value is < 0 and > -MinPositive)
        {
            value = -MinPositive;
        }
        else if (float.IsFinite(value) && MathF.Abs(value) > MaxFinite)
        {
            value = MathF.CopySign(MaxFinite, value);
        }

        return (Half)value;
    }

    /// <summary>The element type of every value in <paramref name="graph"/>, propagated forward through its (sorted) node list.</summary>
    public static Dictionary<string, int> InferTypes(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var types = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var input in graph.Input)
        {
            types[input.Name] = input.Type.TensorType.ElemType;
        }

        foreach (var initializer in graph.Initializer)
        {
            types[initializer.Name] = initializer.DataType;
        }

        foreach (var node in graph.Node)
        {
            int? result = node.OpType switch
            {
                "Constant" => node.Attribute.FirstOrDefault(a => a.Name == "value")?.T?.DataType,
                "ConstantOfShape" => node.Attribute.FirstOrDefault(a => a.Name == "value")?.T?.DataType ?? Float,
                "Cast" => (int?)node.Attribute.First(a => a.Name == "to").I,
                "Shape" or "Size" or "NonZero" or "ArgMax" or "ArgMin" => (int)TensorProto.Types.DataType.Int64,
                "Gather" or "GatherElements" or "GatherND" => TypeOf(types, node.Input[0]),
                "Where" => TypeOf(types, node.Input[1]),
                _ when BooleanResult.Contains(node.OpType) => (int)TensorProto.Types.DataType.Bool,
                _ when string.IsNullOrEmpty(node.Domain) && SameTypeAsFirstInput.Contains(node.OpType) => TypeOf(types, node.Input[0]),
                _ => null,
            };
            if (result is null)
            {
                throw new NotSupportedException($"Node '{node.Name}' ({node.Domain}:{node.OpType}): its output type is not known to the fp16 converter.");
            }

            foreach (var output in node.Output.Where(o => o.Length > 0))
            {
                types[output] = result.Value;
            }
        }

        return types;
    }

    /// <summary>
    /// The nodes of each LayerNorm exported as primitives: <c>m = ReduceMean(x)</c>, <c>d = Sub(x, m)</c>,
    /// <c>v = ReduceMean(Pow(d, ·))</c>, <c>s = Sqrt(Add(v, ε))</c>, <c>n = Div(d, s)</c>, then optionally <c>Mul(n, γ)</c>
    /// and <c>Add(·, β)</c> with constant γ, β.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<NodeProto>> FindDecomposedLayerNorms(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var readers = graph.Node.SelectMany(n => n.Input.Distinct().Select(i => (Input: i, Node: n))).ToLookup(r => r.Input, r => r.Node, StringComparer.Ordinal);
        var constants = graph.Initializer.Select(i => i.Name)
            .Concat(graph.Node.Where(n => n.OpType == "Constant").Select(n => n.Output[0]))
            .ToHashSet(StringComparer.Ordinal);
        NodeProto? Only(string value, string opType, Func<NodeProto, bool> accept) =>
            readers[value].Where(n => n.OpType == opType && string.IsNullOrEmpty(n.Domain) && accept(n)).ToList() is [var single] ? single : null;
        bool OtherIsConstant(NodeProto node, string value) => node.Input.Count == 2 && constants.Contains(node.Input[0] == value ? node.Input[1] : node.Input[0]);

        var found = new List<IReadOnlyList<NodeProto>>();
        foreach (var mean in graph.Node.Where(n => n.OpType == "ReduceMean" && string.IsNullOrEmpty(n.Domain)))
        {
            var x = mean.Input[0];
            var sub = Only(mean.Output[0], "Sub", n => n.Input.Count == 2 && n.Input[0] == x && n.Input[1] == mean.Output[0]);
            if (sub is null)
            {
                continue;
            }

            var d = sub.Output[0];
            var pow = Only(d, "Pow", n => n.Input[0] == d && OtherIsConstant(n, d));
            var variance = pow is null ? null : Only(pow.Output[0], "ReduceMean", _ => true);
            var epsilon = variance is null ? null : Only(variance.Output[0], "Add", n => OtherIsConstant(n, variance.Output[0]));
            var sqrt = epsilon is null ? null : Only(epsilon.Output[0], "Sqrt", _ => true);
            var div = sqrt is null ? null : Only(sqrt.Output[0], "Div", n => n.Input[0] == d && n.Input[1] == sqrt.Output[0]);
            if (div is null)
            {
                continue;
            }

            var chain = new List<NodeProto> { mean, sub, pow!, variance!, epsilon!, sqrt!, div };
            if (Only(div.Output[0], "Mul", n => OtherIsConstant(n, div.Output[0])) is { } scale)
            {
                chain.Add(scale);
                if (Only(scale.Output[0], "Add", n => OtherIsConstant(n, scale.Output[0])) is { } shift)
                {
                    chain.Add(shift);
                }
            }

            found.Add(chain);
        }

        return found;
    }

    private static int? TypeOf(Dictionary<string, int> types, string name) => types.TryGetValue(name, out var type) ? type : null;

    private static void ToFloat16(TensorProto tensor)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' keeps its data in an external file; only embedded weights are converted.");
        }

        float[] values;
        if (tensor.FloatData.Count > 0)
        {
            values = [.. tensor.FloatData];
        }
        else
        {
            var raw = tensor.RawData.Span;
            values = new float[raw.Length / sizeof(float)];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
            }
        }

        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), ToHalf(values[i]));
        }

        tensor.FloatData.Clear();
        tensor.RawData = ByteString.CopyFrom(bytes);
        tensor.DataType = Float16;
    }

    private static NodeProto CastNode(string input, string output, int to, string name)
    {
        var cast = new NodeProto { OpType = "Cast", Name = name };
        cast.Input.Add(input);
        cast.Output.Add(output);
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = to });
        return cast;
    }

    private static void Rename(Google.Protobuf.Collections.RepeatedField<string> names, string from, string to)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == from)
            {
                names[i] = to;
            }
        }
    }

    private static string Unique(string name, HashSet<string> used)
    {
        var candidate = name;
        for (var i = 1; !used.Add(candidate); i++)
        {
            candidate = $"{name}_{i}";
        }

        return candidate;
    }
}

/// <summary>
/// What <see cref="Float16Converter.Convert"/> did: float initializers converted to fp16 and kept fp32 (read only by
/// fp32 nodes), nodes kept fp32, decomposed LayerNorms among them, Cast nodes added, of which graph-output casts.
/// </summary>
public sealed record Float16Report(int ConvertedInitializers, int KeptFloat32Initializers, int Float32Nodes, int LayerNorms, int AddedCasts, int OutputCasts);
