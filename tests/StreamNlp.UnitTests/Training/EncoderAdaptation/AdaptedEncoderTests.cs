using Onnx;
using StreamNlp.Core.Hashing;
using StreamNlp.Models.Encoders;
using StreamNlp.Training.EncoderAdaptation;
using StreamNlp.UnitTests.Models.Quantization;

namespace StreamNlp.UnitTests.Training.EncoderAdaptation;

/// <summary>An adapted encoder as shipped: a weight delta and a definition, rebuilt into a verified graph and found by name.</summary>
public sealed class AdaptedEncoderTests(PackagedEncoderFixture encoder) : IClassFixture<PackagedEncoderFixture>
{
    [Fact]
    public void ADefinitionAndItsDelta_ResolveByName_IntoTheBaseGraphWithTheTunedBlock_AndItsInt8Derivative()
    {
        var (encoders, definition) = WriteAdapted("tuned-test", scale: 1.05f);
        var cache = new EncoderCache(encoder.Root);

        var files = AdaptedEncoderCatalog.Resolve("tuned-test", cache, encoders);

        Assert.Equal("tuned-test", files.Descriptor.Name);
        Assert.Equal(definition.Sha256, files.Descriptor.ModelSha256);
        Assert.Equal(definition.Sha256, FileHash.Sha256Of(files.ModelPath));
        Assert.Equal(files.Descriptor.ModelSha256, files.Descriptor.HeadEncoderSha256); // heads must be trained on it
        Assert.Equal(encoder.Files.Descriptor.ModelSha256, files.Descriptor.AdaptedFromSha256);
        var built = ModelProto.Parser.ParseFrom(File.ReadAllBytes(files.ModelPath));
        var original = encoder.LoadModel();
        var names = EncoderBlockWeights.NamesOf(original.Graph, 5);
        var tuned = built.Graph.Initializer.Single(i => i.Name == names.Weights["output.dense"]);
        Assert.NotEqual(original.Graph.Initializer.Single(i => i.Name == tuned.Name).RawData, tuned.RawData);
        var untouched = EncoderBlockWeights.NamesOf(original.Graph, 4).Weights["output.dense"];
        Assert.Equal(original.Graph.Initializer.Single(i => i.Name == untouched).RawData, built.Graph.Initializer.Single(i => i.Name == untouched).RawData);

        var int8 = cache.Derive(files, EncoderPrecision.Int8);
        Assert.Equal("tuned-test-int8", int8.Descriptor.Name);
        Assert.Equal(definition.Sha256, int8.Descriptor.HeadEncoderSha256); // int8 serves the adapted encoder's heads

        // The published encoder stays selectable by its name.
        Assert.Equal(encoder.Files.Descriptor.ModelSha256, AdaptedEncoderCatalog.Resolve("all-MiniLM-L6-v2", cache, encoders).Descriptor.ModelSha256);
    }

    [Fact]
    public void ADamagedDelta_AnUnknownName_AndAWrongResultHash_AreRefusedWithTheReason()
    {
        var (encoders, definition) = WriteAdapted("damaged-test", scale: 0.9f);
        var cache = new EncoderCache(encoder.Root);
        var deltaPath = Path.Combine(encoders, "damaged-test", EncoderAdaptationWorkflow.DeltaFileName);
        var bytes = File.ReadAllBytes(deltaPath);
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(deltaPath, bytes);

        var damaged = Assert.Throws<InvalidDataException>(() => AdaptedEncoderCatalog.Resolve("damaged-test", cache, encoders));
        Assert.Contains("refusing", damaged.Message, StringComparison.Ordinal);

        var unknown = Assert.Throws<ArgumentException>(() => AdaptedEncoderCatalog.Resolve("nope", cache, encoders));
        Assert.Contains("Known: all-MiniLM-L6-v2, damaged-test", unknown.Message, StringComparison.Ordinal);

        AdaptedEncoderCatalog.WriteDefinition(Path.Combine(encoders, "damaged-test"), definition with { Sha256 = new string('0', 64) });
        File.WriteAllBytes(deltaPath, bytes.Select((b, i) => i == bytes.Length - 10 ? (byte)(b ^ 0xFF) : b).ToArray());
        var wrong = Assert.Throws<InvalidDataException>(() => AdaptedEncoderCatalog.Resolve("damaged-test", cache, encoders));
        Assert.Contains("expected 0000", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADeltaForAnotherGraph_IsRefusedNamingTheWeight()
    {
        var path = Path.Combine(encoder.Root, "foreign-delta.onnx");
        var tensor = new TensorProto { Name = "not.in.the.graph", DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(1);
        tensor.FloatData.Add(1f);
        EncoderWeightDelta.Write(path, [tensor], new Dictionary<string, string>());

        var error = Assert.Throws<InvalidDataException>(() => EncoderWeightDelta.Apply(encoder.LoadModel(), path));
        Assert.Contains("not.in.the.graph", error.Message, StringComparison.Ordinal);
    }

    private (string Encoders, AdaptedEncoderDefinition Definition) WriteAdapted(string name, float scale)
    {
        var encoders = Path.Combine(encoder.Root, "defs-" + name);
        var folder = Path.Combine(encoders, name);
        Directory.CreateDirectory(folder);
        var model = encoder.LoadModel();
        var block = EncoderBlockWeights.Read(model, 5, heads: 12);
        for (var i = 0; i < block.Output.Weights.Length; i++)
        {
            block.Output.Weights.Value[i] *= scale;
        }

        var deltaPath = Path.Combine(folder, EncoderAdaptationWorkflow.DeltaFileName);
        EncoderWeightDelta.Write(deltaPath, EncoderBlockWeights.Initializers(model, 5, block), new Dictionary<string, string> { ["streamnlp.adapted_encoder"] = name });
        var sha = FileHash.Sha256Of(AdaptedEncoderBuilder.Build(encoder.Files.ModelPath, deltaPath, out var replaced));
        Assert.Equal(16, replaced);
        var definition = new AdaptedEncoderDefinition(name, "all-MiniLM-L6-v2", encoder.Files.Descriptor.ModelSha256, EncoderAdaptationWorkflow.DeltaFileName, FileHash.Sha256Of(deltaPath), sha, [5]);
        AdaptedEncoderCatalog.WriteDefinition(folder, definition);
        return (encoders, definition);
    }
}
