using Onnx;
using StreamNlp.Models.Encoders;

namespace StreamNlp.UnitTests.Models.Quantization;

/// <summary>The packaged fp32 encoder, extracted once per test class into a private cache folder.</summary>
public sealed class PackagedEncoderFixture : IDisposable
{
    public PackagedEncoderFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), $"int8-encoder-{Guid.NewGuid():N}");
        Files = new EncoderCache(Root).Ensure(EncoderDescriptor.MiniLmL6V2);
    }

    public string Root { get; }

    public EncoderFiles Files { get; }

    public ModelProto LoadModel() => ModelProto.Parser.ParseFrom(File.ReadAllBytes(Files.ModelPath));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
