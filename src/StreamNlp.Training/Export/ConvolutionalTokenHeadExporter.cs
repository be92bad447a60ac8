using Google.Protobuf;
using Onnx;
using StreamNlp.Models.Heads;
using StreamNlp.Training.NeuralNetworks.Convolution;

namespace StreamNlp.Training.Export;

/// <summary>
/// Writes a trained <see cref="ConvolutionalTokenHead"/> as an ONNX token head that follows <see cref="HeadContract"/>
/// (IR version 8, opset 17, standard operators only): <c>last_hidden_state</c> float [batch, seq, hidden],
/// <c>attention_mask</c> int64 [batch, seq] and <c>token_features</c> float [batch, seq, features] →
/// concatenated on the last axis and multiplied by the mask (so padding reads as zero) → transposed to
/// [batch, channels, seq] → per layer <c>Conv</c> (symmetric 'same' pads, dilation) + <c>Relu</c>, re-masked before
/// each further layer → transposed back → <c>MatMul</c> + <c>Add</c> → <c>Softmax</c> over the last axis gives
/// <c>probabilities</c> float [batch, seq, tags]. Real positions get exactly what
/// <see cref="ConvolutionalTokenHead.PredictProbabilities(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/> gives for
/// their sequence alone; padded positions get values no one should read.
/// </summary>
public static class ConvolutionalTokenHeadExporter
{
    private const string Batch = "batch";
    private const string Sequence = "sequence";

    /// <summary>Exports <paramref name="head"/> to <paramref name="path"/> (folders are created).</summary>
    public static void Export(ConvolutionalTokenHead head, int hiddenSize, int featureCount, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = Build(head, hiddenSize, featureCount);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using var stream = File.Create(path);
        model.WriteTo(stream);
    }

    /// <summary>The graph of <see cref="Export"/>, in memory.</summary>
    public static ModelProto Build(ConvolutionalTokenHead head, int hiddenSize, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (head.HiddenSize != hiddenSize || head.FeatureCount != featureCount)
        {
            throw new ArgumentException(
                $"The head takes {head.HiddenSize} hidden + {head.FeatureCount} token features, not {hiddenSize} + {featureCount}.", nameof(head));
        }

        var graph = new OnnxGraphBuilder("convolutional_token_head");
        var hidden = graph.AddInput(HeadContract.HiddenStates, TensorProto.Types.DataType.Float, Batch, Sequence, hiddenSize);
        var mask = graph.AddInput(HeadContract.AttentionMask, TensorProto.Types.DataType.Int64, Batch, Sequence);
        var features = graph.AddInput(HeadContract.TokenFeatures, TensorProto.Types.DataType.Float, Batch, Sequence, featureCount);

        var lastAxis = graph.AddInt64Initializer("axes_last", -1);
        var channelAxis = graph.AddInt64Initializer("axes_channel", 1);
        var maskFloat = graph.AddNode("Cast", [mask], "mask_float", OnnxGraphBuilder.IntAttribute("to", (long)TensorProto.Types.DataType.Float));
        var maskPerPosition = graph.AddNode("Unsqueeze", [maskFloat, lastAxis], "mask_per_position");      // [B, S, 1]
        var maskPerChannel = graph.AddNode("Unsqueeze", [maskFloat, channelAxis], "mask_per_channel");      // [B, 1, S]

        var combined = graph.AddNode("Concat", [hidden, features], "token_inputs", OnnxGraphBuilder.IntAttribute("axis", -1));
        var masked = graph.AddNode("Mul", [combined, maskPerPosition], "token_inputs_masked");
        var current = graph.AddNode("Transpose", [masked], "conv_input", OnnxGraphBuilder.IntsAttribute("perm", 0, 2, 1));  // [B, C, S]

        for (var i = 0; i < head.Convolutions.Count; i++)
        {
            var layer = head.Convolutions[i];
            if (i > 0)
            {
                // The previous ReLU turned padding into relu(bias); zero it again before the next window reads it.
                current = graph.AddNode("Mul", [current, maskPerChannel], $"conv{i}_input_masked");
            }

            var weights = graph.AddFloatInitializer(
                $"conv{i}_weight", ToOnnxKernelLayout(layer), layer.OutputChannels, layer.InputChannels, layer.KernelSize);
            var bias = graph.AddFloatInitializer($"conv{i}_bias", layer.Bias.Value, layer.OutputChannels);
            var convolved = graph.AddNode(
                "Conv",
                [current, weights, bias],
                $"conv{i}_output",
                OnnxGraphBuilder.IntsAttribute("kernel_shape", layer.KernelSize),
                OnnxGraphBuilder.IntsAttribute("pads", layer.Padding, layer.Padding),
                OnnxGraphBuilder.IntsAttribute("dilations", layer.Dilation),
                OnnxGraphBuilder.IntsAttribute("strides", 1),
                OnnxGraphBuilder.IntAttribute("group", 1));
            current = graph.AddNode("Relu", [convolved], $"conv{i}_relu");
        }

        var perPosition = graph.AddNode("Transpose", [current], "conv_features", OnnxGraphBuilder.IntsAttribute("perm", 0, 2, 1));  // [B, S, C]
        var output = head.Output;
        var outputWeights = graph.AddFloatInitializer(
            "output_weight_t", OnnxGraphBuilder.Transpose(output.Weights.Value, output.OutputSize, output.InputSize), output.InputSize, output.OutputSize);
        var outputBias = graph.AddFloatInitializer("output_bias", output.Bias.Value, output.OutputSize);
        var product = graph.AddNode("MatMul", [perPosition, outputWeights], "output_matmul");
        var logits = graph.AddNode("Add", [product, outputBias], "logits");
        graph.AddNode("Softmax", [logits], HeadContract.Probabilities, OnnxGraphBuilder.IntAttribute("axis", -1));
        graph.AddOutput(HeadContract.Probabilities, TensorProto.Types.DataType.Float, Batch, Sequence, head.TagCount);

        var layers = string.Join(", ", head.Convolutions.Select(c => $"conv k{c.KernelSize} d{c.Dilation} {c.InputChannels}→{c.OutputChannels} + ReLU"));
        return graph.Build($"Convolutional token head: mask · concat(hidden, token features), {layers}, linear {output.InputSize}→{output.OutputSize}, softmax.");
    }

    /// <summary>Reorders the layer's <c>[out, kernel, in]</c> weights to ONNX Conv's <c>[out, in, kernel]</c>.</summary>
    private static float[] ToOnnxKernelLayout(Conv1DLayer layer)
    {
        int outputs = layer.OutputChannels, kernel = layer.KernelSize, inputs = layer.InputChannels;
        var source = layer.Weights.Value;
        var result = new float[source.Length];
        for (var o = 0; o < outputs; o++)
        {
            for (var j = 0; j < kernel; j++)
            {
                for (var i = 0; i < inputs; i++)
                {
                    result[(((o * inputs) + i) * kernel) + j] = source[(((o * kernel) + j) * inputs) + i];
                }
            }
        }

        return result;
    }
}
