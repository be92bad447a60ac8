using Google.Protobuf;
using Onnx;
using StreamNlp.Models.Heads;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Training.Export;

/// <summary>
/// Writes a trained <see cref="DenseClassifier"/> as an ONNX task head that follows <see cref="HeadContract"/>
/// (IR version 8, opset 17, standard operators only). Dense layers become <c>MatMul</c> (with the transposed
/// weight matrix) + <c>Add</c>, ReLU becomes <c>Relu</c>, dropout disappears (identity at inference), and a
/// <c>Softmax</c> over the last axis gives <see cref="HeadContract.Probabilities"/>.
/// </summary>
public static class HeadOnnxExporter
{
    private const string Batch = "batch";
    private const string Sequence = "sequence";

    /// <summary>
    /// Exports a sequence head: <c>last_hidden_state</c> float [batch, seq, hidden] and <c>attention_mask</c> int64
    /// [batch, seq] → masked mean pooling (as <see cref="MeanPooling"/>) → classifier → <c>probabilities</c> float
    /// [batch, labels].
    /// </summary>
    public static void ExportSequenceHead(DenseClassifier model, int hiddenSize, string path) =>
        Write(BuildSequenceHead(model, hiddenSize), path);

    /// <summary>
    /// Exports a layer-mix sequence head: one input per encoder layer of <paramref name="layers"/> (named by
    /// <see cref="HeadContract.LayerStates"/>; the last of <paramref name="blocks"/> is <c>last_hidden_state</c>),
    /// each masked-mean pooled, concatenated in that order, then the classifier. Empty <paramref name="layers"/> is
    /// the plain sequence head.
    /// </summary>
    public static void ExportSequenceHead(DenseClassifier model, int hiddenSize, string path, IReadOnlyList<int> layers, int blocks) =>
        Write(BuildSequenceHead(model, hiddenSize, layers, blocks), path);

    /// <summary>
    /// Exports a token head: <c>last_hidden_state</c> float [batch, seq, hidden] and <c>token_features</c> float
    /// [batch, seq, featureCount] → concatenated on the last axis → classifier per token → <c>probabilities</c>
    /// float [batch, seq, tags].
    /// </summary>
    public static void ExportTokenHead(DenseClassifier model, int hiddenSize, int featureCount, string path) =>
        Write(BuildTokenHead(model, hiddenSize, featureCount), path);

    /// <summary>The sequence-head graph of <see cref="ExportSequenceHead(DenseClassifier, int, string)"/>, in memory.</summary>
    public static ModelProto BuildSequenceHead(DenseClassifier model, int hiddenSize) => BuildSequenceHead(model, hiddenSize, [], 0);

    /// <summary>The layer-mix sequence-head graph of <see cref="ExportSequenceHead(DenseClassifier, int, string, IReadOnlyList{int}, int)"/>, in memory.</summary>
    public static ModelProto BuildSequenceHead(DenseClassifier model, int hiddenSize, IReadOnlyList<int> layers, int blocks)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        var inputNames = layers.Count == 0 ? [HeadContract.HiddenStates] : layers.Select(l => HeadContract.LayerStates(l, blocks)).ToArray();
        if (!inputNames.Contains(HeadContract.HiddenStates))
        {
            throw new ArgumentException($"A head must read the last layer ({blocks}); got layers {string.Join(", ", layers)}.", nameof(layers));
        }

        if (model.InputDimension != hiddenSize * inputNames.Length)
        {
            throw new ArgumentException(
                $"The classifier takes {model.InputDimension} features but {inputNames.Length} pooled layer(s) of the encoder's hidden size {hiddenSize} " +
                $"give {hiddenSize * inputNames.Length}.", nameof(model));
        }

        var graph = new OnnxGraphBuilder("sequence_head");
        var hiddenInputs = inputNames.Select(n => graph.AddInput(n, TensorProto.Types.DataType.Float, Batch, Sequence, hiddenSize)).ToArray();
        var mask = graph.AddInput(HeadContract.AttentionMask, TensorProto.Types.DataType.Int64, Batch, Sequence);

        var lastAxis = graph.AddInt64Initializer("axes_last", -1);
        var sequenceAxis = graph.AddInt64Initializer("axes_sequence", 1);
        var minimumCount = graph.AddFloatInitializer("minimum_count", [MeanPooling.MinimumCount]);

        var maskFloat = graph.AddNode("Cast", [mask], "mask_float", OnnxGraphBuilder.IntAttribute("to", (long)TensorProto.Types.DataType.Float));
        var maskExpanded = graph.AddNode("Unsqueeze", [maskFloat, lastAxis], "mask_expanded");
        var count = graph.AddNode("ReduceSum", [maskFloat, sequenceAxis], "token_count", OnnxGraphBuilder.IntAttribute("keepdims", 1));
        var clamped = graph.AddNode("Max", [count, minimumCount], "token_count_clamped");
        var pooledLayers = new string[hiddenInputs.Length];
        for (var i = 0; i < hiddenInputs.Length; i++)
        {
            var suffix = hiddenInputs.Length == 1 ? string.Empty : $"_{i}";
            var masked = graph.AddNode("Mul", [hiddenInputs[i], maskExpanded], $"masked_hidden{suffix}");
            var summed = graph.AddNode("ReduceSum", [masked, sequenceAxis], $"summed_hidden{suffix}", OnnxGraphBuilder.IntAttribute("keepdims", 0));
            pooledLayers[i] = graph.AddNode("Div", [summed, clamped], $"pooled{suffix}");
        }

        var pooled = pooledLayers.Length == 1
            ? pooledLayers[0]
            : graph.AddNode("Concat", pooledLayers, "pooled", OnnxGraphBuilder.IntAttribute("axis", -1));

        var logits = AddClassifier(graph, model, pooled);
        graph.AddNode("Softmax", [logits], HeadContract.Probabilities, OnnxGraphBuilder.IntAttribute("axis", -1));
        graph.AddOutput(HeadContract.Probabilities, TensorProto.Types.DataType.Float, Batch, model.ClassCount);
        var mix = layers.Count == 0 ? "masked mean pooling" : $"masked mean pooling of encoder layers {string.Join(", ", layers)}, concatenated";
        return graph.Build($"Sequence head: {mix}, {Describe(model)}, softmax.");
    }

    /// <summary>The token-head graph of <see cref="ExportTokenHead"/>, in memory.</summary>
    public static ModelProto BuildTokenHead(DenseClassifier model, int hiddenSize, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (model.InputDimension != hiddenSize + featureCount)
        {
            throw new ArgumentException(
                $"The classifier takes {model.InputDimension} features but hidden size {hiddenSize} + {featureCount} token features " +
                $"give {hiddenSize + featureCount}.", nameof(model));
        }

        var graph = new OnnxGraphBuilder("token_head");
        var hidden = graph.AddInput(HeadContract.HiddenStates, TensorProto.Types.DataType.Float, Batch, Sequence, hiddenSize);
        var features = graph.AddInput(HeadContract.TokenFeatures, TensorProto.Types.DataType.Float, Batch, Sequence, featureCount);
        var combined = graph.AddNode("Concat", [hidden, features], "token_inputs", OnnxGraphBuilder.IntAttribute("axis", -1));

        var logits = AddClassifier(graph, model, combined);
        graph.AddNode("Softmax", [logits], HeadContract.Probabilities, OnnxGraphBuilder.IntAttribute("axis", -1));
        graph.AddOutput(HeadContract.Probabilities, TensorProto.Types.DataType.Float, Batch, Sequence, model.ClassCount);
        return graph.Build($"Token head: concat(hidden, token features), {Describe(model)} per token, softmax.");
    }

    /// <summary>Appends the classifier's layers (on the last axis of <paramref name="input"/>) and returns the logits.</summary>
    private static string AddClassifier(OnnxGraphBuilder graph, DenseClassifier model, string input)
    {
        var current = input;
        var denseIndex = 0;
        foreach (var layer in model.Layers)
        {
            switch (layer)
            {
                case DenseLayer dense:
                    var transposed = OnnxGraphBuilder.Transpose(dense.Weights.Value, dense.OutputSize, dense.InputSize);
                    var weights = graph.AddFloatInitializer($"dense{denseIndex}_weight_t", transposed, dense.InputSize, dense.OutputSize);
                    var bias = graph.AddFloatInitializer($"dense{denseIndex}_bias", dense.Bias.Value, dense.OutputSize);
                    var product = graph.AddNode("MatMul", [current, weights], $"dense{denseIndex}_matmul");
                    current = graph.AddNode("Add", [product, bias], $"dense{denseIndex}_output");
                    denseIndex++;
                    break;
                case ReluLayer:
                    current = graph.AddNode("Relu", [current]);
                    break;
                case DropoutLayer:
                    break;
                default:
                    throw new NotSupportedException($"Layer type {layer.GetType().Name} has no ONNX export.");
            }
        }

        return current;
    }

    private static string Describe(DenseClassifier model) => model.HiddenSizes.Count == 0
        ? $"linear {model.InputDimension}→{model.ClassCount}"
        : $"MLP {model.InputDimension}→{string.Join("→", model.HiddenSizes)}→{model.ClassCount} (ReLU)";

    private static void Write(ModelProto model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using var stream = File.Create(path);
        model.WriteTo(stream);
    }
}
