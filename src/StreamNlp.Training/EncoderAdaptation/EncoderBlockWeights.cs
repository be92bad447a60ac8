using Google.Protobuf;
using Onnx;
using StreamNlp.Models.Graphs;
using StreamNlp.Training.Export;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>
/// Reads one transformer block of a BERT encoder graph into a managed <see cref="TransformerBlock"/>, and writes a
/// block's weights back as the graph's initializers. Weights are found by the PyTorch names the exported graph keeps
/// for biases and LayerNorm parameters (<c>encoder.layer.{i}.attention.self.query.bias</c>, …): the weight of a
/// projection is the <c>MatMul</c> constant whose output the bias is added to (the exporter names those
/// initializers by number). ONNX <c>MatMul</c> weights are <c>in × out</c>; the managed layers hold <c>out × in</c>.
/// </summary>
public static class EncoderBlockWeights
{
    /// <summary>BERT's LayerNorm ε (the constant the exported graph adds before <c>Sqrt</c>).</summary>
    public const float LayerNormEpsilon = 1e-12f;

    private static readonly string[] Projections =
        ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense", "intermediate.dense", "output.dense"];

    /// <summary>The initializer names of block <paramref name="block"/>, by role.</summary>
    public static BlockInitializerNames NamesOf(GraphProto graph, int block)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                producers[output] = node;
            }
        }

        var weights = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var projection in Projections)
        {
            var bias = $"encoder.layer.{block}.{projection}.bias";
            if (!initializers.Contains(bias))
            {
                throw new InvalidDataException($"The encoder graph has no initializer '{bias}': block {block} does not exist or the graph is not a plain BERT export.");
            }

            var add = graph.Node.FirstOrDefault(n => n.OpType == "Add" && n.Input.Contains(bias))
                ?? throw new InvalidDataException($"No Add applies '{bias}'.");
            var other = add.Input.First(i => i != bias);
            if (!producers.TryGetValue(other, out var matMul) || matMul.OpType != "MatMul" || !initializers.Contains(matMul.Input[1]))
            {
                throw new InvalidDataException($"'{bias}' is not added to a MatMul with a constant weight.");
            }

            weights[projection] = matMul.Input[1];
        }

        return new BlockInitializerNames(block, weights);
    }

    /// <summary>Block <paramref name="block"/> of <paramref name="model"/> as a managed block.</summary>
    public static TransformerBlock Read(ModelProto model, int block, int heads)
    {
        ArgumentNullException.ThrowIfNull(model);
        var names = NamesOf(model.Graph, block);
        var tensors = model.Graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        DenseLayer Dense(string projection)
        {
            var weight = tensors[names.Weights[projection]];
            var bias = FloatTensorData.Read(tensors[names.Bias(projection)]);
            if (weight.Dims.Count != 2)
            {
                throw new InvalidDataException($"'{weight.Name}' is not a matrix.");
            }

            var inputs = (int)weight.Dims[0];
            var outputs = (int)weight.Dims[1];
            return new DenseLayer(inputs, outputs, OnnxGraphBuilder.Transpose(FloatTensorData.Read(weight), inputs, outputs), bias, projection);
        }

        LayerNormalization Norm(string prefix) => new(
            FloatTensorData.Read(tensors[$"{names.Prefix}.{prefix}.LayerNorm.weight"]),
            FloatTensorData.Read(tensors[$"{names.Prefix}.{prefix}.LayerNorm.bias"]),
            LayerNormEpsilon,
            $"{prefix}.LayerNorm");

        return new TransformerBlock(
            heads,
            Dense("attention.self.query"),
            Dense("attention.self.key"),
            Dense("attention.self.value"),
            Dense("attention.output.dense"),
            Norm("attention.output"),
            Dense("intermediate.dense"),
            Dense("output.dense"),
            Norm("output"));
    }

    /// <summary>
    /// The initializers that give <paramref name="model"/>'s block <paramref name="block"/> the weights of
    /// <paramref name="managed"/>: same names and shapes, new values (fp32, raw little-endian data).
    /// </summary>
    public static IReadOnlyList<TensorProto> Initializers(ModelProto model, int block, TransformerBlock managed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(managed);
        var names = NamesOf(model.Graph, block);
        var tensors = model.Graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var result = new List<TensorProto>();
        void Add(string name, float[] values)
        {
            var original = tensors[name];
            var count = original.Dims.Aggregate(1L, (a, b) => a * b);
            if (count != values.Length)
            {
                throw new InvalidDataException($"'{name}' has {count} values in the graph, the managed block {values.Length}.");
            }

            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(FloatTensorData.ToBytes(values)) };
            tensor.Dims.AddRange(original.Dims);
            result.Add(tensor);
        }

        void Dense(string projection, DenseLayer layer)
        {
            Add(names.Weights[projection], OnnxGraphBuilder.Transpose(layer.Weights.Value, layer.OutputSize, layer.InputSize));
            Add(names.Bias(projection), layer.Bias.Value);
        }

        void Norm(string prefix, LayerNormalization norm)
        {
            Add($"{names.Prefix}.{prefix}.LayerNorm.weight", norm.Scale.Value);
            Add($"{names.Prefix}.{prefix}.LayerNorm.bias", norm.Bias.Value);
        }

        Dense("attention.self.query", managed.Query);
        Dense("attention.self.key", managed.Key);
        Dense("attention.self.value", managed.Value);
        Dense("attention.output.dense", managed.AttentionOutput);
        Norm("attention.output", managed.AttentionNorm);
        Dense("intermediate.dense", managed.Intermediate);
        Dense("output.dense", managed.Output);
        Norm("output", managed.OutputNorm);
        return result;
    }
}
