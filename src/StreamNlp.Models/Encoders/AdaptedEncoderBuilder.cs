using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Onnx;
using StreamNlp.Core.Hashing;

namespace StreamNlp.Models.Encoders;

/// <summary>
/// Builds an adapted encoder's fp32 graph from the verified published graph and the definition's weight delta, into
/// <c>&lt;cache&gt;/encoders/&lt;name&gt;/model.onnx</c>, and checks it against the SHA-256 the definition pins: the
/// delta file, the base graph and the result are all verified, as the published encoder is. Its int8 and fp16
/// graphs derive from it as from any fp32 encoder.
/// </summary>
public sealed class AdaptedEncoderBuilder(string cacheDirectory, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <param name="published">The verified files of the encoder the definition names as its base.</param>
    /// <param name="definitionFolder">The folder holding <c>encoder.json</c> and the delta file.</param>
    public EncoderFiles Ensure(EncoderFiles published, AdaptedEncoderDefinition definition, string definitionFolder)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(definition);
        if (!string.Equals(published.Descriptor.ModelSha256, definition.BaseSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"Adapted encoder '{definition.Name}' was tuned from {definition.BaseEncoder}@{definition.BaseSha256[..8]}, not from {published.Descriptor.Version}.");
        }

        var descriptor = published.Descriptor.Adapted(definition.Name, definition.Sha256);
        var folder = Path.Combine(cacheDirectory, "encoders", definition.Name);
        var modelPath = Path.Combine(folder, "model.onnx");
        if (File.Exists(modelPath) && string.Equals(FileHash.Sha256Of(modelPath), definition.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return new EncoderFiles(descriptor, modelPath, published.VocabularyPath);
        }

        var deltaPath = Path.Combine(definitionFolder, definition.DeltaFile);
        if (!File.Exists(deltaPath))
        {
            throw new FileNotFoundException($"Adapted encoder '{definition.Name}': its weight delta {deltaPath} is missing.", deltaPath);
        }

        var deltaSha = FileHash.Sha256Of(deltaPath);
        if (!string.Equals(deltaSha, definition.DeltaSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"Adapted encoder '{definition.Name}': {deltaPath} has SHA-256 {deltaSha}, expected {definition.DeltaSha256}; refusing to use it.");
        }

        var bytes = Build(published.ModelPath, deltaPath, out var replaced);
        var sha = FileHash.Sha256Of(bytes);
        if (!string.Equals(sha, definition.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"Adapted encoder '{definition.Name}': the graph built from {published.Descriptor.Version} and {definition.DeltaFile} has SHA-256 {sha}, expected {definition.Sha256}; refusing to use it.");
        }

        Directory.CreateDirectory(folder);
        var temp = modelPath + $".{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, modelPath, overwrite: true);
        ModelsLog.AdaptedEncoderBuilt(_logger, definition.Name, modelPath, replaced);
        return new EncoderFiles(descriptor, modelPath, published.VocabularyPath);
    }

    /// <summary>The bytes of the base graph at <paramref name="basePath"/> with the delta's weights in place.</summary>
    public static byte[] Build(string basePath, string deltaPath, out int replaced)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(basePath));
        replaced = EncoderWeightDelta.Apply(model, deltaPath);
        return model.ToByteArray();
    }
}
