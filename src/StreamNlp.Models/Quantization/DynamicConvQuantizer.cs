using Onnx;

namespace StreamNlp.Models.Quantization;

/// <summary>
/// Dynamic int8 quantization of the 1-D convolutions of an ONNX graph (a token head's), with the same kernels and
/// the same weight format as <see cref="DynamicMatMulQuantizer"/>. Each <c>Conv(X, W, b)</c> whose weight is a constant
/// float initializer [out, channels, kernel] (stride 1, one group) becomes an integer MatMul over the kernel's taps:
/// <c>X</c> [batch, channels, seq] is transposed to [batch, seq, channels] and quantized to uint8 once per run
/// (<c>DynamicQuantizeLinear</c>); that uint8 tensor is padded on the sequence axis with its own zero point (so a
/// padded position is exactly 0), each tap <c>j</c> is a <c>Slice</c> starting at <c>j·dilation</c>, and the taps are
/// concatenated on the channel axis: [batch, seq, kernel·channels], one byte per value. Then
/// <c>MatMulIntegerToFloat</c> with <c>W'</c> [kernel·channels, out] (<c>W'[j·channels + c, o] = W[o, c, j]</c>,
/// symmetric int8, one scale per output channel) and the bias folded in, and a <c>Transpose</c> back to
/// [batch, out, seq].
/// </summary>
/// <remarks>
/// Padding and slicing the quantized bytes rather than floats moves a quarter of the data; an fp32 rewrite of the same
/// convolution as shifted MatMul outputs spent as long in Pad, Slice and Sum as in the integer MatMul. The transposes
/// meet the graph's own (a head that works in [batch, seq, channels] transposes around its convolutions), and ONNX
/// Runtime's transpose optimizer cancels them. Convs this cannot express (2-D and wider, strided, grouped, a weight
/// that is not a constant float initializer, a default-domain opset below 11) are left as they are.
/// </remarks>
public sealed class DynamicConvQuantizer(QuantizationGranularity granularity, int minimumOutputs = 1)
{
    /// <summary>The lowest default-domain opset with <c>Pad</c> and <c>Slice</c> taking their parameters as inputs.</summary>
    private const long MinimumOpset = 11;

    /// <summary>
    /// Rewrites <paramref name="model"/> in place; returns the names of the Conv nodes made integer, in graph order.
    /// A Conv with fewer than <c>minimumOutputs</c> output channels is left fp32.
    /// </summary>
    public IReadOnlyList<string> Quantize(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var opset = model.OpsetImport.Where(o => string.IsNullOrEmpty(o.Domain)).Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset < MinimumOpset)
        {
            return [];
        }

        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var graphInputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var used = new HashSet<string>(
            graph.Node.SelectMany(n => n.Output).Concat(graph.Node.Select(n => n.Name)).Concat(initializers.Keys).Concat(graphInputs),
            StringComparer.Ordinal);
        var rewritten = new List<string>();
        var weights = new HashSet<string>(StringComparer.Ordinal);
        var nodes = new List<NodeProto>(graph.Node.Count);
        foreach (var node in graph.Node)
        {
            if (Describe(node, initializers, graphInputs) is not { } conv || conv.Outputs < minimumOutputs)
            {
                nodes.Add(node);
                continue;
            }

            nodes.AddRange(Expand(graph, node, conv, initializers, graphInputs, used));
            rewritten.Add(node.Name);
            weights.Add(node.Input[1]);
        }

        graph.Node.Clear();
        graph.Node.Add(nodes);
        // The fp32 kernels now live on as int8 tap matrices; drop each one nothing reads any more.
        var read = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        for (var i = graph.Initializer.Count - 1; i >= 0; i--)
        {
            if (weights.Contains(graph.Initializer[i].Name) && !read.Contains(graph.Initializer[i].Name))
            {
                graph.Initializer.RemoveAt(i);
            }
        }

        if (rewritten.Count > 0 && !model.OpsetImport.Any(o => o.Domain == DynamicMatMulQuantizer.MicrosoftDomain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = DynamicMatMulQuantizer.MicrosoftDomain, Version = 1 });
        }

        return rewritten;
    }

    /// <summary>A 1-D convolution this quantizer can express as an integer MatMul over its taps, or null.</summary>
    private static Conv1D? Describe(NodeProto node, Dictionary<string, TensorProto> initializers, HashSet<string> graphInputs)
    {
        if (node.OpType != "Conv" || !string.IsNullOrEmpty(node.Domain) || node.Input.Count < 2 || node.Output.Count != 1)
        {
            return null;
        }

        if (!initializers.TryGetValue(node.Input[1], out var weight) || graphInputs.Contains(weight.Name)
            || weight.DataType != (int)TensorProto.Types.DataType.Float || weight.Dims.Count != 3
            || weight.DataLocation == TensorProto.Types.DataLocation.External)
        {
            return null;
        }

        int outputs = checked((int)weight.Dims[0]), channels = checked((int)weight.Dims[1]), kernel = checked((int)weight.Dims[2]);
        long dilation = 1, padBegin = 0, padEnd = 0;
        var autoPad = "NOTSET";
        foreach (var attribute in node.Attribute)
        {
            switch (attribute.Name)
            {
                case "group" when attribute.I != 1:
                case "strides" when attribute.Ints.Count != 1 || attribute.Ints[0] != 1:
                case "kernel_shape" when attribute.Ints.Count != 1 || attribute.Ints[0] != kernel:
                case "dilations" when attribute.Ints.Count != 1:
                case "pads" when attribute.Ints.Count != 2:
                    return null;
                case "dilations":
                    dilation = attribute.Ints[0];
                    break;
                case "pads":
                    (padBegin, padEnd) = (attribute.Ints[0], attribute.Ints[1]);
                    break;
                case "auto_pad":
                    autoPad = attribute.S.ToStringUtf8();
                    break;
                case "group" or "strides" or "kernel_shape":
                    break;
                default:
                    return null;
            }
        }

        var span = dilation * (kernel - 1);
        switch (autoPad)
        {
            case "NOTSET" or "":
                break;
            case "VALID":
                (padBegin, padEnd) = (0, 0);
                break;
            case "SAME_UPPER":
                (padBegin, padEnd) = (span / 2, span - (span / 2));
                break;
            case "SAME_LOWER":
                (padBegin, padEnd) = (span - (span / 2), span / 2);
                break;
            default:
                return null;
        }

        var bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? node.Input[2] : null;
        return dilation < 1 || padBegin < 0 || padEnd < 0 ? null : new Conv1D(outputs, channels, kernel, dilation, padBegin, padEnd, bias);
    }

    private IEnumerable<NodeProto> Expand(
        GraphProto graph, NodeProto conv, Conv1D shape, Dictionary<string, TensorProto> initializers, HashSet<string> graphInputs, HashSet<string> used)
    {
        var stem = string.IsNullOrEmpty(conv.Name) ? conv.Output[0] : conv.Name;
        var unique = (string suffix) => DynamicMatMulQuantizer.Unique($"{stem}/{suffix}", used);

        var positions = unique("positions");                                    // [B, S, C] float
        yield return Node("Transpose", positions, [conv.Input[0]], Permutation());
        string quantized = unique("quantized"), scale = unique("scale"), zeroPoint = unique("zero_point");
        yield return new NodeProto { OpType = "DynamicQuantizeLinear", Name = unique("dql"), Input = { positions }, Output = { quantized, scale, zeroPoint } };

        var taps = quantized;                                                   // [B, S_out, K·C] uint8
        if (shape.Kernel > 1 || shape.PadBegin > 0 || shape.PadEnd > 0)
        {
            var padded = quantized;
            if (shape.PadBegin > 0 || shape.PadEnd > 0)
            {
                var pads = unique("pads");
                graph.Initializer.Add(Int64Tensor(pads, 0, shape.PadBegin, 0, 0, shape.PadEnd, 0));
                padded = unique("padded");
                // Padding with the zero point is padding with an exact 0.
                yield return Node("Pad", padded, [quantized, pads, zeroPoint]);
            }

            var axes = unique("slice_axes");
            graph.Initializer.Add(Int64Tensor(axes, 1));
            var slices = new string[shape.Kernel];
            for (var j = 0; j < shape.Kernel; j++)
            {
                // Output position t reads tap j at padded position t + j·d; the last tap's window ends at the end.
                var tail = shape.Dilation * (shape.Kernel - 1 - j);
                string starts = unique($"tap{j}_starts"), ends = unique($"tap{j}_ends");
                graph.Initializer.Add(Int64Tensor(starts, j * shape.Dilation));
                graph.Initializer.Add(Int64Tensor(ends, tail == 0 ? long.MaxValue : -tail));
                slices[j] = unique($"tap{j}");
                yield return Node("Slice", slices[j], [padded, starts, ends, axes]);
            }

            if (slices.Length == 1)
            {
                taps = slices[0];
            }
            else
            {
                taps = unique("taps");
                var concat = Node("Concat", taps, slices);
                concat.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
                yield return concat;
            }
        }

        var weight = DynamicMatMulQuantizer.AddQuantizedWeight(
            graph, initializers[conv.Input[1]].Name + "_taps", TapMatrix(initializers[conv.Input[1]], shape), shape.Kernel * shape.Channels, shape.Outputs, granularity, used);
        var integer = new NodeProto { OpType = "MatMulIntegerToFloat", Domain = DynamicMatMulQuantizer.MicrosoftDomain, Name = unique("int8") };
        integer.Input.Add([taps, weight.Value, scale, weight.Scale, zeroPoint, weight.ZeroPoint]);
        var product = unique("product");                                        // [B, S_out, O] float
        var bias = shape.Bias;
        if (bias is not null && !graphInputs.Contains(bias) && initializers.TryGetValue(bias, out var tensor)
            && tensor.DataType == (int)TensorProto.Types.DataType.Float && tensor.Dims.Count == 1 && tensor.Dims[0] == shape.Outputs)
        {
            integer.Input.Add(bias);
            bias = null;
        }

        integer.Output.Add(product);
        yield return integer;
        if (bias is not null)
        {
            // A bias computed at run time (no exporter here makes one) is added after the product.
            var biased = unique("biased");
            yield return Node("Add", biased, [product, bias]);
            product = biased;
        }

        yield return Node("Transpose", conv.Output[0], [product], Permutation(), unique("output"));
    }

    /// <summary>W [O, C, K] → W' [K·C, O], row-major, with W'[j·C + c, o] = W[o, c, j]: the taps' order in the concatenation.</summary>
    private static float[] TapMatrix(TensorProto weight, Conv1D shape)
    {
        var source = Graphs.FloatTensorData.Read(weight);
        int outputs = shape.Outputs, channels = shape.Channels, kernel = shape.Kernel;
        var result = new float[source.Length];
        for (var o = 0; o < outputs; o++)
        {
            for (var c = 0; c < channels; c++)
            {
                for (var j = 0; j < kernel; j++)
                {
                    result[(((j * channels) + c) * outputs) + o] = source[(((o * channels) + c) * kernel) + j];
                }
            }
        }

        return result;
    }

    private static AttributeProto Permutation() => new() { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 2, 1 } };

    private static NodeProto Node(string opType, string output, string[] inputs, AttributeProto? attribute = null, string? name = null)
    {
        var node = new NodeProto { OpType = opType, Name = name ?? output };
        node.Input.Add(inputs);
        node.Output.Add(output);
        if (attribute is not null)
        {
            node.Attribute.Add(attribute);
        }

        return node;
    }

    private static TensorProto Int64Tensor(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        return tensor;
    }

    private sealed record Conv1D(int Outputs, int Channels, int Kernel, long Dilation, long PadBegin, long PadEnd, string? Bias);
}
