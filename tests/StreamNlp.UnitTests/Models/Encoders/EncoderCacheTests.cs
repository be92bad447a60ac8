using StreamNlp.Core.Hashing;
using StreamNlp.Models.Encoders;

namespace StreamNlp.UnitTests.Models.Encoders;

public sealed class EncoderCacheTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"encoder-cache-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Ensure_ExtractsPinnedFiles_AndRepairsADamagedCopy()
    {
        var cache = new EncoderCache(_root);
        var descriptor = EncoderDescriptor.MiniLmL6V2;

        var files = cache.Ensure(descriptor);
        Assert.Equal(descriptor.ModelSha256, FileHash.Sha256Of(files.ModelPath));
        Assert.Equal(descriptor.VocabularySha256, FileHash.Sha256Of(files.VocabularyPath));
        Assert.Equal(30522, File.ReadLines(files.VocabularyPath).Count());

        File.WriteAllText(files.VocabularyPath, "[PAD]\n");
        var repaired = cache.Ensure(descriptor);

        Assert.Equal(descriptor.VocabularySha256, FileHash.Sha256Of(repaired.VocabularyPath));
    }

    [Fact]
    public void Ensure_PackageWithOtherWeights_IsRefused()
    {
        var wrong = EncoderDescriptor.MiniLmL6V2 with { ModelSha256 = new string('0', 64) };

        var error = Assert.Throws<InvalidDataException>(() => new EncoderCache(_root).Ensure(wrong));

        Assert.Contains("SHA-256", error.Message);
    }

    [Fact]
    public void Ensure_MissingPackageAssembly_SaysWhereItLooked()
    {
        var missing = EncoderDescriptor.MiniLmL6V2 with { AssemblyFileName = "NoSuch.Encoder.dll" };

        var error = Assert.Throws<FileNotFoundException>(() => new EncoderCache(_root).Ensure(missing));

        Assert.Contains("NoSuch.Encoder.dll", error.Message);
    }
}
