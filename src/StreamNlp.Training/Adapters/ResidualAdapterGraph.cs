using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using StreamNlp.Models.Heads;
using StreamNlp.Training.Export;

namespace StreamNlp.Training.Adapters;

/// <summary>
/// Puts a <see cref="ResidualAdapter"/> into a sequence head's ONNX graph, so the adapted head is still one
/// <see cref="HeadContract"/> graph the workers load like any other: the champion's nodes are kept as they are, its
/// <c>probabilities</c> output is renamed <c>adapter/base_probabilities</c>, and new nodes (all named
/// <c>adapter/…</c>) compute <c>softmax(s·log(max(p, 1e-30)) + g·(MatMul(masked mean pool, Wᵀ) + b))</c> as
/// <c>probabilities</c>, with the domain gate <c>g = σ(pool·v + c)</c> (1 without one) and <c>s = 1 − g·(1 − a)</c>. A graph that already carries an adapter has it removed first (<see cref="Strip"/>), so
/// retraining replaces the adapter instead of stacking a new one on each round.
/// </summary>
public static class ResidualAdapterGraph
{
    /// <summary>The metadata key that marks a graph carrying an adapter.</summary>
    public const string MetadataKey = "streamnlp.adapter";

    /// <summary>The adapter's kind, as the metadata value and in manifests.</summary>
    public const string Kind = "residual-linear-mean";

    /// <summary>The token adapter's kind (per position, on hidden state and token features).</summary>
    public const string TokenKind = "residual-linear-token";

    private const string Prefix = "adapter/";
    private const string BaseProbabilities = Prefix + "base_probabilities";

    /// <summary>Whether <paramref name="model"/> carries an adapter.</summary>
    public static bool HasAdapter(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.MetadataProps.Any(p => p.Key == MetadataKey);
    }

    /// <summary>A copy of <paramref name="model"/> without its adapter: the head it was attached to (the same graph when there is none).</summary>
    public static ModelProto Strip(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var copy = model.Clone();
        if (!HasAdapter(copy))
        {
            return copy;
        }

        var graph = copy.Graph;
        foreach (var node in graph.Node.Where(n => n.Name.StartsWith(Prefix, StringComparison.Ordinal)).ToList())
        {
            graph.Node.Remove(node);
        }

        foreach (var initializer in graph.Initializer.Where(i => i.Name.StartsWith(Prefix, StringComparison.Ordinal)).ToList())
        {
            graph.Initializer.Remove(initializer);
        }

        RenameOutput(graph, BaseProbabilities, HeadContract.Probabilities);
        foreach (var property in copy.MetadataProps.Where(p => p.Key == MetadataKey).ToList())
        {
            copy.MetadataProps.Remove(property);
        }

        return copy;
    }

    /// <summary>The champion's graph (its own adapter removed) with <paramref name="adapter"/> attached.</summary>
    /// <exception cref="ArgumentException">The graph is not a sequence head, or the adapter does not fit it.</exception>
    public static ModelProto Attach(ModelProto champion, ResidualAdapter adapter, int hiddenSize)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        if (adapter.Dimension != hiddenSize)
        {
            throw new ArgumentException($"The adapter reads {adapter.Dimension} features but the encoder's hidden size is {hiddenSize}.", nameof(adapter));
        }

        return AttachPooled(champion, adapter, [HeadContract.HiddenStates]);
    }

    /// <summary>
    /// A layer-mix sequence head's graph (its own adapter removed) with <paramref name="adapter"/> attached, reading
    /// what the head reads: the masked mean of each of <paramref name="layers"/> (inputs named by
    /// <see cref="HeadContract.LayerStates"/> for an encoder of <paramref name="blocks"/> blocks), concatenated in
    /// that order.
    /// </summary>
    /// <exception cref="ArgumentException">The graph is not a sequence head reading those layers, or the adapter does not fit it.</exception>
    public static ModelProto Attach(ModelProto champion, ResidualAdapter adapter, int hiddenSize, IReadOnlyList<int> layers, int blocks)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
        {
            return Attach(champion, adapter, hiddenSize);
        }

        if (adapter.Dimension != hiddenSize * layers.Count)
        {
            throw new ArgumentException($"The adapter reads {adapter.Dimension} features but {layers.Count} pooled layers of {hiddenSize} give {hiddenSize * layers.Count}.", nameof(adapter));
        }

        return AttachPooled(champion, adapter, [.. layers.Select(l => HeadContract.LayerStates(l, blocks))]);
    }

    /// <summary>
    /// Attaches <paramref name="adapter"/> to a sequence head, reading the masked mean of each of
    /// <paramref name="inputs"/> (the head's layer inputs), concatenated in that order.
    /// </summary>
    private static ModelProto AttachPooled(ModelProto champion, ResidualAdapter adapter, IReadOnlyList<string> inputs)
    {
        var model = Strip(champion);
        var graph = model.Graph;
        if (graph.Input.All(i => i.Name != HeadContract.AttentionMask) || graph.Output.All(o => o.Name != HeadContract.Probabilities)
            || inputs.Any(n => graph.Input.All(i => i.Name != n)))
        {
            throw new ArgumentException(
                $"A residual adapter attaches to a sequence head (inputs {string.Join(", ", inputs)} and {HeadContract.AttentionMask}, output {HeadContract.Probabilities}).",
                nameof(champion));
        }

        RenameOutput(graph, HeadContract.Probabilities, BaseProbabilities);
        var axesLast = Int64(graph, "axes_last", -1);
        var axesSequence = Int64(graph, "axes_sequence", 1);
        var minimumCount = Float(graph, "minimum_count", [MeanPooling.MinimumCount]);
        var maskFloat = Node(graph, "Cast", [HeadContract.AttentionMask], "mask_float", new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
        var maskExpanded = Node(graph, "Unsqueeze", [maskFloat, axesLast], "mask_expanded");
        var count = Node(graph, "ReduceSum", [maskFloat, axesSequence], "token_count", KeepDims(1));
        var clamped = Node(graph, "Max", [count, minimumCount], "token_count_clamped");
        var pooledInputs = inputs.Select((input, k) =>
        {
            var suffix = inputs.Count == 1 ? string.Empty : $"_{k}";
            var masked = Node(graph, "Mul", [input, maskExpanded], $"masked_hidden{suffix}");
            var summed = Node(graph, "ReduceSum", [masked, axesSequence], $"summed_hidden{suffix}", KeepDims(0));
            return Node(graph, "Div", [summed, clamped], $"pooled{suffix}");
        }).ToArray();
        var pooled = pooledInputs.Length == 1
            ? pooledInputs[0]
            : Node(graph, "Concat", pooledInputs, "pooled", new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
        AddAdapter(graph, adapter, pooled, pooled);
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKey, Value = Kind });
        return model;
    }

    /// <summary>
    /// A token head's graph (its own adapter removed) with a per-position <paramref name="adapter"/> attached: the
    /// adapter reads each position's <c>concat(hidden state, token features)</c>, as the token heads do; its gate (when
    /// trained) reads the sentence, the masked mean of those inputs over all positions, so a whole sentence is judged
    /// like the feedback or like the base data (the graph then takes <c>attention_mask</c> if the head did not).
    /// </summary>
    /// <exception cref="ArgumentException">The graph is not a token head, or the adapter does not fit it.</exception>
    public static ModelProto AttachToTokens(ModelProto champion, ResidualAdapter adapter, int hiddenSize, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        if (adapter.Dimension != hiddenSize + featureCount)
        {
            throw new ArgumentException($"The adapter reads {adapter.Dimension} features but hidden size {hiddenSize} + {featureCount} token features give {hiddenSize + featureCount}.", nameof(adapter));
        }

        var model = Strip(champion);
        var graph = model.Graph;
        if (graph.Input.All(i => i.Name != HeadContract.TokenFeatures) || graph.Output.All(o => o.Name != HeadContract.Probabilities))
        {
            throw new ArgumentException($"A token adapter attaches to a token head (inputs {HeadContract.HiddenStates} and {HeadContract.TokenFeatures}, output {HeadContract.Probabilities}).", nameof(champion));
        }

        RenameOutput(graph, HeadContract.Probabilities, BaseProbabilities);
        var inputs = Node(graph, "Concat", [HeadContract.HiddenStates, HeadContract.TokenFeatures], "token_inputs", new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
        var gateInput = inputs;
        if (adapter.GateWeights is not null)
        {
            // The gate reads the sentence: the masked mean of every position's inputs, [batch, 1, features].
            if (graph.Input.All(i => i.Name != HeadContract.AttentionMask))
            {
                graph.Input.Add(new ValueInfoProto
                {
                    Name = HeadContract.AttentionMask,
                    Type = new TypeProto
                    {
                        TensorType = new TypeProto.Types.Tensor
                        {
                            ElemType = (int)TensorProto.Types.DataType.Int64,
                            Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimParam = "batch" }, new TensorShapeProto.Types.Dimension { DimParam = "sequence" } } },
                        },
                    },
                });
            }

            var axesLast = Int64(graph, "axes_last", -1);
            var axesSequence = Int64(graph, "axes_sequence", 1);
            var minimumCount = Float(graph, "minimum_count", [MeanPooling.MinimumCount]);
            var maskFloat = Node(graph, "Cast", [HeadContract.AttentionMask], "mask_float", new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
            var maskExpanded = Node(graph, "Unsqueeze", [maskFloat, axesLast], "mask_expanded");
            var masked = Node(graph, "Mul", [inputs, maskExpanded], "masked_inputs");
            var summed = Node(graph, "ReduceSum", [masked, axesSequence], "summed_inputs", KeepDims(1));
            var count = Node(graph, "ReduceSum", [maskExpanded, axesSequence], "token_count", KeepDims(1));
            var clamped = Node(graph, "Max", [count, minimumCount], "token_count_clamped");
            gateInput = Node(graph, "Div", [summed, clamped], "sentence_mean");
        }

        AddAdapter(graph, adapter, inputs, gateInput);
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKey, Value = TokenKind });
        return model;
    }

    /// <summary>Adds the correction, the gate and the final softmax reading <paramref name="features"/> (last axis = the adapter's input).</summary>
    private static void AddAdapter(GraphProto graph, ResidualAdapter adapter, string features, string gateFeatures)
    {
        var floor = Float(graph, "probability_floor", [1e-30f]);
        var weights = Float(graph, "weight_t", OnnxGraphBuilderTranspose(adapter.Weights, adapter.ClassCount, adapter.Dimension), adapter.Dimension, adapter.ClassCount);
        var bias = Float(graph, "bias", adapter.Bias, adapter.ClassCount);
        var pooled = features;
        var product = Node(graph, "MatMul", [pooled, weights], "matmul");
        var correction = Node(graph, "Add", [product, bias], "correction");
        var floored = Node(graph, "Max", [BaseProbabilities, floor], "base_floored");
        var logBase = Node(graph, "Log", [floored], "base_log");
        string baseTerm, correctionTerm;
        if (adapter.GateWeights is { } gateWeights)
        {
            // g = σ(pool·v + c) per row; logits = (1 − g·(1 − a))·log p + g·correction.
            var gateMatrix = Float(graph, "gate_weight", gateWeights, gateWeights.Length, 1);
            var gateBias = Float(graph, "gate_bias", [adapter.GateBias]);
            var gateLogit = Node(graph, "Add", [Node(graph, "MatMul", [gateFeatures, gateMatrix], "gate_matmul"), gateBias], "gate_logit");
            var gate = Node(graph, "Sigmoid", [gateLogit], "gate");
            var one = Float(graph, "one", [1f]);
            var shrink = Float(graph, "one_minus_scale", [1f - adapter.ChampionScale]);
            var rowScale = Node(graph, "Sub", [one, Node(graph, "Mul", [gate, shrink], "gate_shrink")], "row_scale");
            baseTerm = Node(graph, "Mul", [logBase, rowScale], "base_scaled");
            correctionTerm = Node(graph, "Mul", [correction, gate], "correction_gated");
        }
        else
        {
            var scale = Float(graph, "champion_scale", [adapter.ChampionScale]);
            baseTerm = Node(graph, "Mul", [logBase, scale], "base_scaled");
            correctionTerm = correction;
        }

        var adapted = Node(graph, "Add", [baseTerm, correctionTerm], "logits");
        graph.Node.Add(new NodeProto
        {
            OpType = "Softmax",
            Name = Prefix + "softmax",
            Input = { adapted },
            Output = { HeadContract.Probabilities },
            Attribute = { new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 } },
        });
    }

    /// <summary>Reads an ONNX file.</summary>
    public static ModelProto Read(string path) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

    /// <summary>Writes an ONNX file.</summary>
    public static void Write(ModelProto model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var stream = File.Create(path);
        model.WriteTo(stream);
    }

    private static void RenameOutput(GraphProto graph, string from, string to)
    {
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Output.Count; i++)
            {
                if (node.Output[i] == from)
                {
                    node.Output[i] = to;
                }
            }
        }
    }

    private static AttributeProto KeepDims(long value) => new() { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static string Node(GraphProto graph, string opType, string[] inputs, string name, params AttributeProto[] attributes)
    {
        var output = Prefix + name;
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return output;
    }

    private static string Int64(GraphProto graph, string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Prefix + name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private static string Float(GraphProto graph, string name, float[] values, params long[] dimensions)
    {
        var tensor = new TensorProto { Name = Prefix + name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dimensions.Length == 0 ? [values.Length] : dimensions);
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < bytes.Length; i += sizeof(float))
            {
                Array.Reverse(bytes, i, sizeof(float));
            }
        }

        tensor.RawData = ByteString.CopyFrom(bytes);
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private static float[] OnnxGraphBuilderTranspose(float[] matrix, int rows, int columns) => OnnxGraphBuilder.Transpose(matrix, rows, columns);
}
