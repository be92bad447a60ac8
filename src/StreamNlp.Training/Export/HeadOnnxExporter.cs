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
    /// Exports a token head: <c>last_hidden_state</c> float [batch, seq, hidden] and <c>token_features</c> float
    /// [batch, seq, featureCount] → concatenated on the last axis → classifier per token → <c>probabilities</c>
    /// float [batch, seq, tags].
    /// </summary>
    public static void ExportTokenHead(DenseClassifier model, int hiddenSize, int featureCount, string path) =>
        Write(BuildTokenHead(model, hiddenSize, featureCount), path);

    /// <summary>The sequence-head graph of <see cref="ExportSequenceHead"/>, in memory.</summary>
    public static ModelProto BuildSequenceHead(DenseClassifier model, int hiddenSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        if (model.InputDimension != hiddenSize)
        {
            throw new ArgumentException(
                $"The classifier takes {model.InputDimension} features but the encoder's hidden size is {hiddenSize}.", nameof(model));
        }

        var graph = new OnnxGraphBuilder("sequence_head");
        var hidden = graph.AddInput(HeadContract.HiddenStates, TensorProto.Types.DataType.Float, Batch, Sequence, hiddenSize);
        var mask = graph.AddInput(HeadContract.AttentionMask, TensorProto.Types.DataType.Int64, Batch, Sequence);

        var lastAxis = graph.AddInt64Initializer("axes_last", -1);
        var sequenceAxis = graph.AddInt64Initializer("axes_sequence", 1);
        var minimumCount = graph.AddFloatInitializer("minimum_count", [MeanPooling.MinimumCount]);

        var maskFloat = graph.AddNode("Cast", [mask], "mask_float", OnnxGraphBuilder.IntAttribute("to", (long)TensorProto.Types.DataType.Float));
        var maskExpanded = graph.AddNode("Unsqueeze", [maskFloat, lastAxis], "mask_expanded");
        var masked = graph.AddNode("Mul", [hidden, maskExpanded], "masked_hidden");
        var summed = graph.AddNode("ReduceSum", [masked, sequenceAxis], "summed_hidden", OnnxGraphBuilder.IntAttribute("keepdims", 0));
        var count = graph.AddNode("ReduceSum", [maskFloat, sequenceAxis], "token_count", OnnxGraphBuilder.IntAttribute("keepdims", 1));
        var clamped = graph.AddNode("Max", [count, minimumCount], "token_count_clamped");
        var pooled = graph.AddNode("Div", [summed, clamped], "pooled");

        var logits = AddClassifier(graph, model, pooled);
        graph.AddNode("Softmax", [logits], HeadContract.Probabilities, OnnxGraphBuilder.IntAttribute("axis", -1));
        graph.AddOutput(HeadContract.Probabilities, TensorProto.Types.DataType.Float, Batch, model.ClassCount);
        return graph.Build($"Sequence head: masked mean pooling, {Describe(model)}, softmax.");
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
