using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Onnx;
using StreamNlp.Core.Hashing;
using StreamNlp.Models.Encoders;

namespace StreamNlp.Models.Quantization;

/// <summary>
/// Derives the fp16 encoder (for the CUDA provider) from the verified fp32 one at first use and caches it beside it
/// (<c>model-fp16.onnx</c> + <c>model-fp16.json</c>), as <see cref="Int8EncoderBuilder"/> does for int8: nothing is
/// downloaded, the graph is a deterministic function of the pinned fp32 file and <see cref="RecipeId"/>, and every
/// load checks the cached file against its record (source SHA-256, recipe, own SHA-256); a file that does not match
/// is rebuilt, and the reason is logged. The conversion is <see cref="Float16Converter"/>: weights fp16, LayerNorms
/// fp32, inputs and outputs unchanged (int64 ids in, float32 <c>last_hidden_state</c> out), so the heads are unchanged.
/// </summary>
public sealed class Fp16EncoderBuilder(ILogger? logger = null)
{
    public const string ModelFileName = "model-fp16.onnx";
    public const string RecordFileName = "model-fp16.json";

    /// <summary>
    /// The conversion's identity, written into the record: changing <see cref="Float16Converter"/>'s rules must change
    /// it, so cached files made the old way are rebuilt.
    /// </summary>
    public const string RecipeId = "fp16-keep-io-layernorm-fp32-v1";

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Returns the verified fp16 files for <paramref name="fp32"/>, building them when missing or not matching their record.</summary>
    public EncoderFiles Ensure(EncoderFiles fp32)
    {
        ArgumentNullException.ThrowIfNull(fp32);
        if (fp32.Descriptor.Precision != EncoderPrecision.Fp32)
        {
            throw new ArgumentException($"{fp32.Descriptor.Version} is not an fp32 encoder.", nameof(fp32));
        }

        var (modelPath, recordPath) = Paths(fp32);
        var reason = Check(fp32);
        if (reason is not null)
        {
            Build(fp32, modelPath, recordPath, reason);
            if (Check(fp32) is { } still)
            {
                throw new InvalidDataException($"The fp16 encoder built at {modelPath} does not verify: {still}; refusing to use it.");
            }
        }

        var record = ReadRecord(recordPath)!;
        return new EncoderFiles(fp32.Descriptor.Fp16Derivative(record.Sha256), modelPath, fp32.VocabularyPath);
    }

    /// <summary>Why the cached fp16 graph for <paramref name="fp32"/> cannot be used as it is; null when it can.</summary>
    public string? Check(EncoderFiles fp32)
    {
        ArgumentNullException.ThrowIfNull(fp32);
        var (modelPath, recordPath) = Paths(fp32);
        if (!File.Exists(modelPath))
        {
            return $"{ModelFileName} is missing";
        }

        var record = ReadRecord(recordPath);
        if (record is null)
        {
            return $"{RecordFileName} is missing or unreadable";
        }

        if (!string.Equals(record.DerivedFromSha256, fp32.Descriptor.ModelSha256, StringComparison.OrdinalIgnoreCase))
        {
            return $"it was derived from fp32 graph {record.DerivedFromSha256}, not from {fp32.Descriptor.ModelSha256}";
        }

        if (record.Recipe != RecipeId)
        {
            return $"it was built with recipe '{record.Recipe}', not '{RecipeId}'";
        }

        var actual = FileHash.Sha256Of(modelPath);
        return string.Equals(actual, record.Sha256, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"its SHA-256 is {actual} but {RecordFileName} says {record.Sha256}";
    }

    /// <summary>Converts an fp32 graph in memory (used by <see cref="Ensure"/> and by tests).</summary>
    public static Float16Report Convert(ModelProto model, string sourceSha256)
    {
        ArgumentNullException.ThrowIfNull(model);
        var report = new Float16Converter().Convert(model);
        model.MetadataProps.Add(new StringStringEntryProto { Key = "streamnlp.derived_from_sha256", Value = sourceSha256 });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "streamnlp.fp16_recipe", Value = RecipeId });
        return report;
    }

    private void Build(EncoderFiles fp32, string modelPath, string recordPath, string reason)
    {
        var clock = Stopwatch.StartNew();
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(fp32.ModelPath));
        var report = Convert(model, fp32.Descriptor.ModelSha256);
        if (report.ConvertedInitializers == 0)
        {
            throw new InvalidDataException($"{fp32.ModelPath} has no float weight to convert.");
        }

        var suffix = $".{Environment.ProcessId}.tmp";
        var bytes = model.ToByteArray();
        File.WriteAllBytes(modelPath + suffix, bytes);
        var record = new Fp16EncoderRecord(fp32.Descriptor.ModelSha256, RecipeId, FileHash.Sha256Of(bytes), report.ConvertedInitializers, report.Float32Nodes);
        File.WriteAllText(recordPath + suffix, JsonSerializer.Serialize(record, QuantizationJsonContext.Default.Fp16EncoderRecord));
        File.Move(modelPath + suffix, modelPath, overwrite: true);
        File.Move(recordPath + suffix, recordPath, overwrite: true);
        ModelsLog.Fp16EncoderBuilt(_logger, modelPath, reason, report.ConvertedInitializers, report.Float32Nodes, report.LayerNorms, RecipeId, clock.ElapsedMilliseconds);
    }

    private static (string Model, string Record) Paths(EncoderFiles fp32)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(fp32.ModelPath))!;
        return (Path.Combine(folder, ModelFileName), Path.Combine(folder, RecordFileName));
    }

    private static Fp16EncoderRecord? ReadRecord(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), QuantizationJsonContext.Default.Fp16EncoderRecord) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
