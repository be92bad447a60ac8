using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Onnx;
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
    : DerivedEncoderBuilder<Int8EncoderRecord>(ModelFileName, RecordFileName, "int8", QuantizationJsonContext.Default.Int8EncoderRecord)
{
    public const string ModelFileName = "model-int8.onnx";
    public const string RecordFileName = "model-int8.json";

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>The recipe this builder applies.</summary>
    public Int8EncoderRecipe Recipe { get; } = recipe;

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

    protected override string CurrentRecipe => Recipe.Id;

    protected override byte[] Derive(EncoderFiles fp32, ModelProto model, string modelPath, string reason, out Func<string, Int8EncoderRecord> record)
    {
        var clock = Stopwatch.StartNew();
        var report = Quantize(model, fp32.Descriptor.ModelSha256);
        if (report.Quantized.Count == 0)
        {
            throw new InvalidDataException($"{fp32.ModelPath} has no MatMul with a constant weight; there is nothing to quantize.");
        }

        var bytes = Serialize(model);
        record = sha256 => new Int8EncoderRecord(fp32.Descriptor.ModelSha256, Recipe.Id, sha256, report.Quantized.Count);
        ModelsLog.Int8EncoderBuilt(_logger, modelPath, reason, report.Quantized.Count, report.KeptFloat.Count, Recipe.Id, clock.ElapsedMilliseconds);
        return bytes;
    }

    protected override EncoderDescriptor Describe(EncoderDescriptor fp32, Int8EncoderRecord record) => fp32.Int8Derivative(record.Sha256);
}
