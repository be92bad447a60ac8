using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Google.Protobuf;
using Onnx;
using StreamNlp.Core.Hashing;
using StreamNlp.Models.Encoders;

namespace StreamNlp.Models.Quantization;

/// <summary>
/// The cache of one encoder derived from the verified fp32 graph (int8, fp16): the derived graph and its record live
/// beside the fp32 file; every load checks the graph against its record (source SHA-256, recipe, own SHA-256); a
/// graph that does not match is rebuilt (the reason goes to <see cref="Derive"/>, which logs it), written atomically,
/// and checked again before it is served. Nothing is downloaded: a derived graph is a deterministic function of the
/// pinned fp32 file and the recipe, so it can always be rebuilt.
/// </summary>
/// <typeparam name="TRecord">The record written beside the derived graph.</typeparam>
public abstract class DerivedEncoderBuilder<TRecord>
    where TRecord : class, IDerivedEncoderRecord
{
    /// <param name="modelFileName">The derived graph's file name, e.g. <c>model-int8.onnx</c>.</param>
    /// <param name="recordFileName">Its record's file name, e.g. <c>model-int8.json</c>.</param>
    /// <param name="kind">What it is, for messages, e.g. <c>int8</c>.</param>
    /// <param name="recordJson">How the record is read and written.</param>
    protected DerivedEncoderBuilder(string modelFileName, string recordFileName, string kind, JsonTypeInfo<TRecord> recordJson)
    {
        ModelFile = modelFileName;
        RecordFile = recordFileName;
        Kind = kind;
        RecordJson = recordJson;
    }

    private string ModelFile { get; }

    private string RecordFile { get; }

    private string Kind { get; }

    private JsonTypeInfo<TRecord> RecordJson { get; }

    /// <summary>The recipe a usable cached graph must have been built with.</summary>
    protected abstract string CurrentRecipe { get; }

    /// <summary>Returns the verified derived files for <paramref name="fp32"/>, building them when missing or not matching their record.</summary>
    public EncoderFiles Ensure(EncoderFiles fp32)
    {
        ArgumentNullException.ThrowIfNull(fp32);
        if (fp32.Descriptor.Precision != EncoderPrecision.Fp32)
        {
            throw new ArgumentException($"{fp32.Descriptor.Version} is not an fp32 encoder.", nameof(fp32));
        }

        var (modelPath, recordPath) = Paths(fp32);
        if (Check(fp32) is { } reason)
        {
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(fp32.ModelPath));
            var bytes = Derive(fp32, model, modelPath, reason, out var record);
            var suffix = $".{Environment.ProcessId}.tmp";
            File.WriteAllBytes(modelPath + suffix, bytes);
            File.WriteAllText(recordPath + suffix, JsonSerializer.Serialize(record(FileHash.Sha256Of(bytes)), RecordJson));
            File.Move(modelPath + suffix, modelPath, overwrite: true);
            File.Move(recordPath + suffix, recordPath, overwrite: true);

            // The file just written must match the record just written; anything else (a full disk, a concurrent
            // writer with another recipe) is refused rather than served.
            if (Check(fp32) is { } still)
            {
                throw new InvalidDataException($"The {Kind} encoder built at {modelPath} does not verify: {still}; refusing to use it.");
            }
        }

        return new EncoderFiles(Describe(fp32.Descriptor, ReadRecord(recordPath)!), modelPath, fp32.VocabularyPath);
    }

    /// <summary>Why the cached derived graph for <paramref name="fp32"/> cannot be used as it is; null when it can.</summary>
    public string? Check(EncoderFiles fp32)
    {
        ArgumentNullException.ThrowIfNull(fp32);
        var (modelPath, recordPath) = Paths(fp32);
        if (!File.Exists(modelPath))
        {
            return $"{ModelFile} is missing";
        }

        var record = ReadRecord(recordPath);
        if (record is null)
        {
            return $"{RecordFile} is missing or unreadable";
        }

        if (!string.Equals(record.DerivedFromSha256, fp32.Descriptor.ModelSha256, StringComparison.OrdinalIgnoreCase))
        {
            return $"it was derived from fp32 graph {record.DerivedFromSha256}, not from {fp32.Descriptor.ModelSha256}";
        }

        if (record.Recipe != CurrentRecipe)
        {
            return $"it was built with recipe '{record.Recipe}', not '{CurrentRecipe}'";
        }

        var actual = FileHash.Sha256Of(modelPath);
        return string.Equals(actual, record.Sha256, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"its SHA-256 is {actual} but {RecordFile} says {record.Sha256}";
    }

    /// <summary>
    /// Transforms the fp32 graph <paramref name="model"/> (in place) and returns the derived graph's bytes, with the
    /// record to write given the bytes' SHA-256; logs the build (<paramref name="reason"/> says why it was needed).
    /// </summary>
    protected abstract byte[] Derive(EncoderFiles fp32, ModelProto model, string modelPath, string reason, out Func<string, TRecord> record);

    /// <summary>The descriptor of the derived encoder.</summary>
    protected abstract EncoderDescriptor Describe(EncoderDescriptor fp32, TRecord record);

    private (string Model, string Record) Paths(EncoderFiles fp32)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(fp32.ModelPath))!;
        return (Path.Combine(folder, ModelFile), Path.Combine(folder, RecordFile));
    }

    private TRecord? ReadRecord(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), RecordJson) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The derived graph's bytes.</summary>
    protected static byte[] Serialize(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ToByteArray();
    }
}
