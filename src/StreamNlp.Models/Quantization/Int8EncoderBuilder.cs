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
/// Derives the int8 encoder from the verified fp32 one at first use and caches it beside it
/// (<c>model-int8.onnx</c> + <c>model-int8.json</c>). Nothing is downloaded: the int8 graph is a
/// deterministic function of the pinned fp32 file and the <see cref="Int8EncoderRecipe"/>, so it can
/// always be rebuilt. Every load checks the cached file against its record (source SHA-256, recipe,
/// own SHA-256); a file that does not match is rebuilt, and the reason is logged.
/// </summary>
public sealed class Int8EncoderBuilder(Int8EncoderRecipe recipe, ILogger? logger = null)
{
    public const string ModelFileName = "model-int8.onnx";
    public const string RecordFileName = "model-int8.json";

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>The recipe this builder applies.</summary>
    public Int8EncoderRecipe Recipe { get; } = recipe;

    /// <summary>Returns the verified int8 files for <paramref name="fp32"/>, building them when missing or not matching their record.</summary>
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
            // The file just written must match the record just written; anything else (a full disk, a
            // concurrent writer with another recipe) is refused rather than served.
            if (Check(fp32) is { } still)
            {
                throw new InvalidDataException($"The int8 encoder built at {modelPath} does not verify: {still}; refusing to use it.");
            }
        }

        var record = ReadRecord(recordPath)!;
        return new EncoderFiles(fp32.Descriptor.Int8Derivative(record.Sha256), modelPath, fp32.VocabularyPath);
    }

    /// <summary>Why the cached int8 graph for <paramref name="fp32"/> cannot be used as it is; null when it can.</summary>
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

        if (record.Recipe != Recipe.Id)
        {
            return $"it was built with recipe '{record.Recipe}', not '{Recipe.Id}'";
        }

        var actual = FileHash.Sha256Of(modelPath);
        return string.Equals(actual, record.Sha256, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"its SHA-256 is {actual} but {RecordFileName} says {record.Sha256}";
    }

    /// <summary>Applies the recipe to an fp32 graph in memory (used by <see cref="Ensure"/> and by tests).</summary>
    public QuantizationReport Quantize(ModelProto model, string sourceSha256)
    {
        ArgumentNullException.ThrowIfNull(model);
        var report = Recipe.CreateQuantizer().Quantize(model);
        // The graph itself says what it is, for anyone who opens it with other tools.
        model.MetadataProps.Add(new StringStringEntryProto { Key = "streamnlp.derived_from_sha256", Value = sourceSha256 });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "streamnlp.int8_recipe", Value = Recipe.Id });
        return report;
    }

    private void Build(EncoderFiles fp32, string modelPath, string recordPath, string reason)
    {
        var clock = Stopwatch.StartNew();
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(fp32.ModelPath));
        var report = Quantize(model, fp32.Descriptor.ModelSha256);
        if (report.Quantized.Count == 0)
        {
            throw new InvalidDataException($"{fp32.ModelPath} has no MatMul with a constant weight; there is nothing to quantize.");
        }

        var suffix = $".{Environment.ProcessId}.tmp";
        var bytes = model.ToByteArray();
        File.WriteAllBytes(modelPath + suffix, bytes);
        var record = new Int8EncoderRecord(
            fp32.Descriptor.ModelSha256, Recipe.Id, Core.Hashing.FileHash.Sha256Of(bytes), report.Quantized.Count);
        File.WriteAllText(recordPath + suffix, JsonSerializer.Serialize(record, QuantizationJsonContext.Default.Int8EncoderRecord));
        File.Move(modelPath + suffix, modelPath, overwrite: true);
        File.Move(recordPath + suffix, recordPath, overwrite: true);
        ModelsLog.Int8EncoderBuilt(_logger, modelPath, reason, report.Quantized.Count, report.KeptFloat.Count, Recipe.Id, clock.ElapsedMilliseconds);
    }

    private static (string Model, string Record) Paths(EncoderFiles fp32)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(fp32.ModelPath))!;
        return (Path.Combine(folder, ModelFileName), Path.Combine(folder, RecordFileName));
    }

    private static Int8EncoderRecord? ReadRecord(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), QuantizationJsonContext.Default.Int8EncoderRecord) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
