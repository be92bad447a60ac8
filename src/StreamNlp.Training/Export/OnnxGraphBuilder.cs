using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace StreamNlp.Training.Export;

/// <summary>
/// Collects nodes, initializers and graph inputs/outputs into an ONNX <see cref="ModelProto"/> (default domain
/// only, so any ONNX Runtime can run it). Names of intermediate values are generated and unique.
/// </summary>
internal sealed class OnnxGraphBuilder(string graphName)
{
    public const long IrVersion = 8;
    public const long OpsetVersion = 17;

    private readonly GraphProto graph = new() { Name = graphName };
    private int nextId;

    /// <summary>Declares a graph input of the given element type; each dimension is a size or a symbolic name.</summary>
    public string AddInput(string name, TensorProto.Types.DataType elementType, params object[] dimensions)
    {
        graph.Input.Add(ValueInfo(name, elementType, dimensions));
        return name;
    }

    /// <summary>Declares <paramref name="name"/> (an existing value) as a graph output.</summary>
    public void AddOutput(string name, TensorProto.Types.DataType elementType, params object[] dimensions) =>
        graph.Output.Add(ValueInfo(name, elementType, dimensions));

    /// <summary>Adds a float constant with the given shape and returns its name.</summary>
    public string AddFloatInitializer(string name, ReadOnlySpan<float> values, params long[] dimensions)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dimensions);
        tensor.RawData = ByteString.CopyFrom(LittleEndianBytes(values));
        graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a 1-D int64 constant (axes for Unsqueeze, ReduceSum) and returns its name.</summary>
    public string AddInt64Initializer(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node and returns the name of its (single) output, <paramref name="output"/> or a generated one.</summary>
    public string AddNode(string opType, string[] inputs, string? output = null, params AttributeProto[] attributes)
    {
        var id = nextId++;
        output ??= $"{opType.ToLowerInvariant()}_{id}";
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{id}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return output;
    }

    public static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A row-major <paramref name="rows"/> × <paramref name="columns"/> matrix, transposed (for MatMul initializers).</summary>
    public static float[] Transpose(float[] matrix, int rows, int columns)
    {
        var result = new float[matrix.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                result[(c * rows) + r] = matrix[(r * columns) + c];
            }
        }

        return result;
    }

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>The finished model: IR version 8, default-domain opset 17.</summary>
    public ModelProto Build(string docString)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "StreamNlp.Training",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = docString,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OpsetVersion });
        return model;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType elementType, object[] dimensions)
    {
        var shape = new TensorShapeProto();
        foreach (var dimension in dimensions)
        {
            shape.Dim.Add(dimension switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                long size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"A dimension must be a size or a name, got {dimension}.", nameof(dimensions)),
            });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = shape } },
        };
    }

    private static byte[] LittleEndianBytes(ReadOnlySpan<float> values)
    {
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < bytes.Length; i += sizeof(float))
            {
                Array.Reverse(bytes, i, sizeof(float));
            }
        }

        return bytes;
    }
}
