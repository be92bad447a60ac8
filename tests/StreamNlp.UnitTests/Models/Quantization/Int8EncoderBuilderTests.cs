using StreamNlp.Core.Hashing;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Quantization;
using StreamNlp.UnitTests.Logging;

namespace StreamNlp.UnitTests.Models.Quantization;

public sealed class Int8EncoderBuilderTests : IClassFixture<PackagedEncoderFixture>
{
    private readonly PackagedEncoderFixture _encoder;

    public Int8EncoderBuilderTests(PackagedEncoderFixture encoder) => _encoder = encoder;

    [Fact]
    public void Ensure_BuildsBesideTheFp32Graph_AndNamesItsSource()
    {
        var int8 = new Int8EncoderBuilder(Int8EncoderRecipe.Default).Ensure(_encoder.Files);
        var fp32 = _encoder.Files.Descriptor;

        Assert.Equal(Path.GetDirectoryName(_encoder.Files.ModelPath), Path.GetDirectoryName(int8.ModelPath));
        Assert.Equal(_encoder.Files.VocabularyPath, int8.VocabularyPath);
        Assert.Equal(FileHash.Sha256Of(int8.ModelPath), int8.Descriptor.ModelSha256);
        Assert.Equal($"all-MiniLM-L6-v2-int8@{int8.Descriptor.ModelSha256[..8]}", int8.Descriptor.Version);
        Assert.Equal(EncoderPrecision.Int8, int8.Descriptor.Precision);
        Assert.Equal(fp32.ModelSha256, int8.Descriptor.DerivedFromSha256);
        Assert.Equal(fp32.ModelSha256, int8.Descriptor.HeadEncoderSha256); // fp32 heads stay loadable
        Assert.True(new FileInfo(int8.ModelPath).Length < new FileInfo(_encoder.Files.ModelPath).Length * 0.7);
    }

    [Fact]
    public void Ensure_FileNotMatchingItsRecordedSha_IsRebuiltWithTheReasonLogged()
    {
        var logger = new CapturingLogger();
        var builder = new Int8EncoderBuilder(Int8EncoderRecipe.Default, logger);
        var first = builder.Ensure(_encoder.Files);
        var bytes = File.ReadAllBytes(first.ModelPath);
        bytes[bytes.Length / 2] ^= 0xFF; // one flipped byte deep inside a weight
        File.WriteAllBytes(first.ModelPath, bytes);
        var damagedSha = FileHash.Sha256Of(first.ModelPath);

        var reason = builder.Check(_encoder.Files);
        var rebuilt = builder.Ensure(_encoder.Files);

        Assert.Equal($"its SHA-256 is {damagedSha} but {Int8EncoderBuilder.RecordFileName} says {first.Descriptor.ModelSha256}", reason);
        Assert.Equal(first.Descriptor.ModelSha256, FileHash.Sha256Of(rebuilt.ModelPath)); // deterministic: the same bytes again
        Assert.Null(builder.Check(_encoder.Files));
        Assert.Contains(logger.Lines, l => l.Message.Contains("Built the int8 encoder", StringComparison.Ordinal) && l.Message.Contains(reason!, StringComparison.Ordinal));
    }

    [Fact]
    public void Ensure_FileBuiltWithAnotherRecipe_IsRebuilt()
    {
        new Int8EncoderBuilder(Int8EncoderRecipe.Default).Ensure(_encoder.Files);
        var other = new Int8EncoderBuilder(new Int8EncoderRecipe("test-per-tensor", QuantizationGranularity.PerTensor));

        var reason = other.Check(_encoder.Files);
        var files = other.Ensure(_encoder.Files);

        Assert.Equal($"it was built with recipe '{Int8EncoderRecipe.Default.Id}', not 'test-per-tensor'", reason);
        Assert.Null(other.Check(_encoder.Files));
        Assert.Equal(FileHash.Sha256Of(files.ModelPath), files.Descriptor.ModelSha256);
    }

    [Fact]
    public void Ensure_RecordMissing_IsRebuilt()
    {
        var builder = new Int8EncoderBuilder(Int8EncoderRecipe.Default);
        builder.Ensure(_encoder.Files);
        File.Delete(Path.Combine(Path.GetDirectoryName(_encoder.Files.ModelPath)!, Int8EncoderBuilder.RecordFileName));

        Assert.Equal($"{Int8EncoderBuilder.RecordFileName} is missing or unreadable", builder.Check(_encoder.Files));
        builder.Ensure(_encoder.Files);
        Assert.Null(builder.Check(_encoder.Files));
    }

    [Fact]
    public void Ensure_FromAnInt8Descriptor_IsRefused()
    {
        var int8 = new Int8EncoderBuilder(Int8EncoderRecipe.Default).Ensure(_encoder.Files);

        Assert.Throws<ArgumentException>(() => new Int8EncoderBuilder(Int8EncoderRecipe.Default).Ensure(int8));
    }

    [Fact]
    public void EncoderCache_Int8_SharesTheCacheFolderAndVocabulary()
    {
        var files = new EncoderCache(_encoder.Root).Ensure(EncoderDescriptor.MiniLmL6V2, EncoderPrecision.Int8);

        Assert.Equal(Path.Combine(_encoder.Root, "encoders", "all-MiniLM-L6-v2", Int8EncoderBuilder.ModelFileName), files.ModelPath);
        Assert.Equal(EncoderPrecision.Int8, files.Descriptor.Precision);
    }
}
