using System.Buffers.Binary;
using Onnx;

namespace StreamNlp.Models.Graphs;

/// <summary>The values of fp32 ONNX initializers, read from and written to their raw little-endian form.</summary>
public static class FloatTensorData
{
    /// <summary>The values of an fp32 initializer kept in the graph (<c>float_data</c> or <c>raw_data</c>).</summary>
    public static float[] Read(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.FloatData.Count > 0)
        {
            return [.. tensor.FloatData];
        }

        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new NotSupportedException($"Initializer '{tensor.Name}' keeps its data in an external file; only weights embedded in the graph are read.");
        }

        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new InvalidDataException($"Initializer '{tensor.Name}' is not fp32 (type {tensor.DataType}).");
        }

        var bytes = tensor.RawData.Span;
        var values = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }

        return values;
    }

    /// <summary>The raw little-endian bytes of <paramref name="values"/>.</summary>
    public static byte[] ToBytes(float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return bytes;
    }
}
