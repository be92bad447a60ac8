using Google.Protobuf;
using Onnx;
using StreamNlp.Models.Heads;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;

namespace StreamNlp.Training.Export;

/// <summary>
/// Writes a trained <see cref="AttentionSequenceHead"/> as an ONNX sequence head that follows
/// <see cref="HeadContract"/> (IR version 8, opset 17, standard operators only): <c>last_hidden_state</c> float
/// [batch, seq, hidden] and <c>attention_mask</c> int64 [batch, seq] → <c>probabilities</c> float [batch, labels].
/// <list type="bullet">
/// <item>token projection: <c>MatMul</c> + <c>Add</c> + <c>Relu</c> at every position;</item>
/// <item>attention: scores by <c>MatMul</c> (+ <c>Tanh</c> for additive scoring), masked by adding
/// <c>(mask − 1) · 10⁹</c> so padded positions get weight 0 after <c>Softmax</c> over the sequence axis, then
/// <c>Transpose</c> + <c>MatMul</c> for the weighted sums and <c>Reshape</c> to concatenate the heads;</item>
/// <item>mean: as <see cref="HeadOnnxExporter.ExportSequenceHead"/> (masked <c>ReduceSum</c> / token count);</item>
/// <item>max: <c>ReduceMax</c> over the sequence axis after the same large negative is added at padded positions;</item>
/// <item><c>Concat</c> in that order, the classifier's dense layers (<c>MatMul</c> + <c>Add</c>, <c>Relu</c>), <c>Softmax</c>.</item>
/// </list>
/// Dropout layers are the identity at inference and leave no node.
/// </summary>
public static class AttentionSequenceHeadExporter
{
    /// <summary>Added to the scores (and values, for max pooling) of padded positions.</summary>
    public const float MaskedValue = -1e9f;

    private const string Batch = "batch";
    private const string Sequence = "sequence";

    /// <summary>Writes the head's graph to <paramref name="path"/> (directories are created).</summary>
    public static void Export(AttentionSequenceHead head, int hiddenSize, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = Build(head, hiddenSize);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using var stream = File.Create(path);
        model.WriteTo(stream);
    }

    /// <summary>The graph of <see cref="Export"/>, in memory.</summary>
    public static ModelProto Build(AttentionSequenceHead head, int hiddenSize)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        if (head.HiddenSize != hiddenSize)
        {
            throw new ArgumentException($"The head reads {head.HiddenSize}-wide states but the encoder's hidden size is {hiddenSize}.", nameof(head));
        }

        var graph = new OnnxGraphBuilder("attention_sequence_head");
        var hidden = graph.AddInput(HeadContract.HiddenStates, TensorProto.Types.DataType.Float, Batch, Sequence, hiddenSize);
        var mask = graph.AddInput(HeadContract.AttentionMask, TensorProto.Types.DataType.Int64, Batch, Sequence);

        var lastAxis = graph.AddInt64Initializer("axes_last", -1);
        var sequenceAxis = graph.AddInt64Initializer("axes_sequence", 1);
        var one = graph.AddFloatInitializer("one", [1f]);
        var maskedValue = graph.AddFloatInitializer("masked_value", [-MaskedValue]);

        var maskFloat = graph.AddNode("Cast", [mask], "mask_float", OnnxGraphBuilder.IntAttribute("to", (long)TensorProto.Types.DataType.Float));
        var maskExpanded = graph.AddNode("Unsqueeze", [maskFloat, lastAxis], "mask_expanded");
        // (mask − 1) · 10⁹: 0 at real positions, −10⁹ at padding; shape [batch, seq, 1].
        var maskShifted = graph.AddNode("Sub", [maskExpanded, one], "mask_shifted");
        var maskBias = graph.AddNode("Mul", [maskShifted, maskedValue], "mask_bias");

        var tokens = hidden;
        if (head.TokenProjection is { } projection)
        {
            tokens = AddDense(graph, projection, tokens, "token_projection");
            tokens = graph.AddNode("Relu", [tokens], "token_features");
        }

        var pooled = new List<string>();
        if (head.Attention is { } attention)
        {
            pooled.Add(AddAttention(graph, attention, tokens, maskBias));
        }

        if (head.MeanPooling)
        {
            var minimumCount = graph.AddFloatInitializer("minimum_count", [MeanPooling.MinimumCount]);
            var masked = graph.AddNode("Mul", [tokens, maskExpanded], "mean_masked");
            var summed = graph.AddNode("ReduceSum", [masked, sequenceAxis], "mean_sum", OnnxGraphBuilder.IntAttribute("keepdims", 0));
            var count = graph.AddNode("ReduceSum", [maskFloat, sequenceAxis], "token_count", OnnxGraphBuilder.IntAttribute("keepdims", 1));
            var clamped = graph.AddNode("Max", [count, minimumCount], "token_count_clamped");
            pooled.Add(graph.AddNode("Div", [summed, clamped], "mean_pooled"));
        }

        if (head.MaxPooling)
        {
            var masked = graph.AddNode("Add", [tokens, maskBias], "max_masked");
            pooled.Add(graph.AddNode("ReduceMax", [masked], "max_pooled", OnnxGraphBuilder.IntsAttribute("axes", 1), OnnxGraphBuilder.IntAttribute("keepdims", 0)));
        }

        var features = pooled.Count == 1
            ? pooled[0]
            : graph.AddNode("Concat", [.. pooled], "pooled", OnnxGraphBuilder.IntAttribute("axis", -1));

        var current = features;
        var denseIndex = 0;
        foreach (var layer in head.Classifier.Layers)
        {
            switch (layer)
            {
                case DenseLayer dense:
                    current = AddDense(graph, dense, current, $"dense{denseIndex++}");
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

        graph.AddNode("Softmax", [current], HeadContract.Probabilities, OnnxGraphBuilder.IntAttribute("axis", -1));
        graph.AddOutput(HeadContract.Probabilities, TensorProto.Types.DataType.Float, Batch, head.ClassCount);
        return graph.Build($"Sequence head: {head}, softmax.");
    }

    /// <summary>Masked attention pooling of <paramref name="tokens"/> [batch, seq, width] → [batch, heads · width].</summary>
    private static string AddAttention(OnnxGraphBuilder graph, AttentionPoolingLayer attention, string tokens, string maskBias)
    {
        string scorerInput;
        int scorerWidth;
        if (attention.Scoring == AttentionScoring.Additive)
        {
            var weights = graph.AddFloatInitializer(
                "attention_projection_weight_t", OnnxGraphBuilder.Transpose(attention.Projection!.Value, attention.AttentionSize, attention.InputSize), attention.InputSize, attention.AttentionSize);
            var bias = graph.AddFloatInitializer("attention_projection_bias", attention.ProjectionBias!.Value, attention.AttentionSize);
            var product = graph.AddNode("MatMul", [tokens, weights], "attention_projection_matmul");
            var shifted = graph.AddNode("Add", [product, bias], "attention_projection_output");
            scorerInput = graph.AddNode("Tanh", [shifted], "attention_hidden");
            scorerWidth = attention.AttentionSize;
        }
        else
        {
            scorerInput = tokens;
            scorerWidth = attention.InputSize;
        }

        var scoreWeights = graph.AddFloatInitializer(
            "attention_score_weight_t", OnnxGraphBuilder.Transpose(attention.ScoreWeights.Value, attention.Heads, scorerWidth), scorerWidth, attention.Heads);
        var scores = graph.AddNode("MatMul", [scorerInput, scoreWeights], "attention_scores");
        if (attention.ScoreScale != 1f)
        {
            var scale = graph.AddFloatInitializer("attention_score_scale", [attention.ScoreScale]);
            scores = graph.AddNode("Mul", [scores, scale], "attention_scores_scaled");
        }

        var masked = graph.AddNode("Add", [scores, maskBias], "attention_scores_masked");
        var weightsOverPositions = graph.AddNode("Softmax", [masked], "attention_weights", OnnxGraphBuilder.IntAttribute("axis", 1));
        var byHead = graph.AddNode("Transpose", [weightsOverPositions], "attention_weights_by_head", OnnxGraphBuilder.IntsAttribute("perm", 0, 2, 1));
        var sums = graph.AddNode("MatMul", [byHead, tokens], "attention_sums");
        var shape = graph.AddInt64Initializer("attention_pooled_shape", 0, attention.OutputSize);
        return graph.AddNode("Reshape", [sums, shape], "attention_pooled");
    }

    private static string AddDense(OnnxGraphBuilder graph, DenseLayer dense, string input, string name)
    {
        var weights = graph.AddFloatInitializer($"{name}_weight_t", OnnxGraphBuilder.Transpose(dense.Weights.Value, dense.OutputSize, dense.InputSize), dense.InputSize, dense.OutputSize);
        var bias = graph.AddFloatInitializer($"{name}_bias", dense.Bias.Value, dense.OutputSize);
        var product = graph.AddNode("MatMul", [input, weights], $"{name}_matmul");
        return graph.AddNode("Add", [product, bias], $"{name}_output");
    }
}
