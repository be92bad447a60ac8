using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Onnx;
using StreamNlp.Models.Heads;

namespace StreamNlp.Models.Encoders;

/// <summary>
/// Exposes every hidden layer of a BERT-style encoder graph as a graph output, so a head can read intermediate
/// layers (a layer mix) from the same encoder pass that gives <c>last_hidden_state</c>. Layer 0 is the embeddings'
/// LayerNorm output, layer <c>i</c> (1…N) the output LayerNorm of transformer block <c>i − 1</c>; the last one is
/// <c>last_hidden_state</c> itself. Each added output goes through a <c>Cast</c> to float, so the same rewrite
/// serves the fp32, int8 and fp16 graphs (whose inner tensors may be fp16), and the original outputs are untouched.
/// Boundaries are found by the PyTorch initializer names the exported graph keeps (<c>embeddings.LayerNorm.bias</c>,
/// <c>encoder.layer.{i}.output.LayerNorm.bias</c>): the <c>Add</c> that applies each bias ends its layer.
/// </summary>
public static partial class EncoderLayerOutputs
{
    /// <summary>
    /// Adds outputs <see cref="HeadContract.LayerStates"/>(0 … N − 1) to <paramref name="model"/> and returns N, the
    /// number of transformer blocks (the last layer stays <c>last_hidden_state</c>). A graph whose layer boundaries
    /// cannot all be found is refused with the reason.
    /// </summary>
    public static int Expose(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var boundaries = new SortedDictionary<int, string>();
        foreach (var node in graph.Node)
        {
            if (node.OpType != "Add" || node.Output.Count != 1)
            {
                continue;
            }

            foreach (var input in node.Input)
            {
                if (LayerOf(input) is { } layer)
                {
                    boundaries[layer] = node.Output[0];
                }
            }
        }

        var blocks = boundaries.Count - 1;
        if (blocks < 1 || boundaries.Keys.Max() != blocks || boundaries.Keys.Min() != 0)
        {
            throw new InvalidDataException(
                $"Cannot find the encoder's layer boundaries (found {boundaries.Count}: layers {string.Join(", ", boundaries.Keys)}); " +
                "expected an Add with 'embeddings.LayerNorm.bias' and one with 'encoder.layer.{i}.output.LayerNorm.bias' per block.");
        }

        if (graph.Output.All(o => o.Name != boundaries[blocks]))
        {
            throw new InvalidDataException($"The last block's output '{boundaries[blocks]}' is not a graph output; the graph is not a plain BERT export.");
        }

        for (var layer = 0; layer < blocks; layer++)
        {
            var name = HeadContract.LayerStates(layer, blocks);
            if (graph.Output.Any(o => o.Name == name))
            {
                continue;
            }

            var cast = new NodeProto { OpType = "Cast", Name = $"expose_{name}" };
            cast.Input.Add(boundaries[layer]);
            cast.Output.Add(name);
            cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
            graph.Node.Add(cast);
            graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }

        return blocks;
    }

    /// <summary>
    /// Writes the graph at <paramref name="source"/> with every layer exposed to <paramref name="target"/> without
    /// holding the graph's weights in memory: the nodes and outputs are read from the file (initializers are skipped),
    /// then the file is copied as it is and the new nodes and outputs are appended as a second serialised
    /// <see cref="ModelProto"/>. Protobuf merges concatenated messages (repeated fields append), so the result parses
    /// as the source graph plus the additions. Returns the number of blocks.
    /// </summary>
    public static int ExposeFile(string source, string target)
    {
        var skeleton = new ModelProto { Graph = new GraphProto() };
        using (var stream = File.OpenRead(source))
        {
            var input = new CodedInputStream(stream);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) != ModelProto.GraphFieldNumber || WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
                {
                    input.SkipLastField();
                    continue;
                }

                // Inside GraphProto: keep nodes and outputs, skip initializers and the rest.
                var length = input.ReadLength();
                var end = input.Position + length;
                while (input.Position < end)
                {
                    var inner = input.ReadTag();
                    switch (WireFormat.GetTagFieldNumber(inner))
                    {
                        case GraphProto.NodeFieldNumber:
                            var node = new NodeProto();
                            input.ReadMessage(node);
                            skeleton.Graph.Node.Add(node);
                            break;
                        case GraphProto.OutputFieldNumber:
                            var output = new ValueInfoProto();
                            input.ReadMessage(output);
                            skeleton.Graph.Output.Add(output);
                            break;
                        default:
                            input.SkipLastField();
                            break;
                    }
                }
            }
        }

        var nodes = skeleton.Graph.Node.Count;
        var outputs = skeleton.Graph.Output.Count;
        var blocks = Expose(skeleton);
        var addition = new ModelProto { Graph = new GraphProto() };
        addition.Graph.Node.AddRange(skeleton.Graph.Node.Skip(nodes));
        addition.Graph.Output.AddRange(skeleton.Graph.Output.Skip(outputs));
        using (var output = File.Create(target))
        {
            using (var copy = File.OpenRead(source))
            {
                copy.CopyTo(output);
            }

            addition.WriteTo(output);
        }

        return blocks;
    }

    private static int? LayerOf(string initializer)
    {
        if (initializer == "embeddings.LayerNorm.bias")
        {
            return 0;
        }

        var match = BlockOutputBias().Match(initializer);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) + 1 : null;
    }

    [GeneratedRegex(@"^encoder\.layer\.(\d+)\.output\.LayerNorm\.bias$")]
    private static partial Regex BlockOutputBias();
}
