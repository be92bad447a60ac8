using Google.Protobuf;
using Onnx;

namespace StreamNlp.Models.Encoders;

/// <summary>
/// A set of replacement weights for an encoder graph, stored as an ONNX model whose graph holds only initializers
/// (readable by any ONNX tool). Applying it replaces the base graph's initializers of the same names; every name must
/// exist in the base with the same shape and type, so a delta meant for another graph is refused.
/// </summary>
public static class EncoderWeightDelta
{
    /// <summary>Writes <paramref name="initializers"/> as a delta file with <paramref name="metadata"/>.</summary>
    public static void Write(string path, IEnumerable<TensorProto> initializers, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(initializers);
        ArgumentNullException.ThrowIfNull(metadata);
        var model = new ModelProto { IrVersion = 8, ProducerName = "streamnlp", Graph = new GraphProto { Name = "encoder-weight-delta" } };
        model.Graph.Initializer.AddRange(initializers);
        foreach (var (key, value) in metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        var temp = path + $".{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temp, model.ToByteArray());
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Replaces <paramref name="model"/>'s initializers by those of the delta file at <paramref name="deltaPath"/>; returns how many.</summary>
    public static int Apply(ModelProto model, string deltaPath)
    {
        ArgumentNullException.ThrowIfNull(model);
        var delta = ModelProto.Parser.ParseFrom(File.ReadAllBytes(deltaPath));
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < model.Graph.Initializer.Count; i++)
        {
            index[model.Graph.Initializer[i].Name] = i;
        }

        foreach (var replacement in delta.Graph.Initializer)
        {
            if (!index.TryGetValue(replacement.Name, out var at))
            {
                throw new InvalidDataException($"The weight delta {deltaPath} replaces '{replacement.Name}', which the encoder graph does not have.");
            }

            var original = model.Graph.Initializer[at];
            if (!original.Dims.SequenceEqual(replacement.Dims) || original.DataType != replacement.DataType)
            {
                throw new InvalidDataException(
                    $"The weight delta's '{replacement.Name}' is [{string.Join("x", replacement.Dims)}] type {replacement.DataType}; the graph's is [{string.Join("x", original.Dims)}] type {original.DataType}.");
            }

            model.Graph.Initializer[at] = replacement;
        }

        return delta.Graph.Initializer.Count;
    }
}
