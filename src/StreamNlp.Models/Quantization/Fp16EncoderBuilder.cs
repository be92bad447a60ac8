using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Onnx;
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
    : DerivedEncoderBuilder<Fp16EncoderRecord>(ModelFileName, RecordFileName, "fp16", QuantizationJsonContext.Default.Fp16EncoderRecord)
{
    public const string ModelFileName = "model-fp16.onnx";
    public const string RecordFileName = "model-fp16.json";

    /// <summary>
    /// The conversion's identity, written into the record: changing <see cref="Float16Converter"/>'s rules must change
    /// it, so cached files made the old way are rebuilt.
    /// </summary>
    public const string RecipeId = "fp16-keep-io-layernorm-fp32-v1";

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Converts an fp32 graph in memory (used by <see cref="Ensure"/> and by tests).</summary>
    public static Float16Report Convert(ModelProto model, string sourceSha256)
    {
        ArgumentNullException.ThrowIfNull(model);
        var report = new Float16Converter().Convert(model);
        model.MetadataProps.Add(new StringStringEntryProto { Key = "streamnlp.derived_from_sha256", Value = sourceSha256 });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "streamnlp.fp16_recipe", Value = RecipeId });
        return report;
    }

    protected override string CurrentRecipe => RecipeId;

    protected override byte[] Derive(EncoderFiles fp32, ModelProto model, string modelPath, string reason, out Func<string, Fp16EncoderRecord> record)
    {
        var clock = Stopwatch.StartNew();
        var report = Convert(model, fp32.Descriptor.ModelSha256);
        if (report.ConvertedInitializers == 0)
        {
            throw new InvalidDataException($"{fp32.ModelPath} has no float weight to convert.");
        }

        var bytes = Serialize(model);
        record = sha256 => new Fp16EncoderRecord(fp32.Descriptor.ModelSha256, RecipeId, sha256, report.ConvertedInitializers, report.Float32Nodes);
        ModelsLog.Fp16EncoderBuilt(_logger, modelPath, reason, report.ConvertedInitializers, report.Float32Nodes, report.LayerNorms, RecipeId, clock.ElapsedMilliseconds);
        return bytes;
    }

    protected override EncoderDescriptor Describe(EncoderDescriptor fp32, Fp16EncoderRecord record) => fp32.Fp16Derivative(record.Sha256);
}
