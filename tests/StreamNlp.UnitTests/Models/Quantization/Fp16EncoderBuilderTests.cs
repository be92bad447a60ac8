using StreamNlp.Core.Hashing;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Quantization;
using StreamNlp.UnitTests.Logging;

namespace StreamNlp.UnitTests.Models.Quantization;

/// <summary>The fp16 encoder is built beside the fp32 one, named after its own SHA-256, and checked like the int8 graph.</summary>
public sealed class Fp16EncoderBuilderTests : IClassFixture<PackagedEncoderFixture>
{
    private readonly PackagedEncoderFixture _encoder;

    public Fp16EncoderBuilderTests(PackagedEncoderFixture encoder) => _encoder = encoder;

    [Fact]
    public void Ensure_BuildsBesideTheFp32Graph_AndNamesItsSource()
    {
        var fp16 = new Fp16EncoderBuilder().Ensure(_encoder.Files);
        var fp32 = _encoder.Files.Descriptor;

        Assert.Equal(Path.Combine(Path.GetDirectoryName(_encoder.Files.ModelPath)!, Fp16EncoderBuilder.ModelFileName), fp16.ModelPath);
        Assert.Equal(_encoder.Files.VocabularyPath, fp16.VocabularyPath);
        Assert.Equal(FileHash.Sha256Of(fp16.ModelPath), fp16.Descriptor.ModelSha256);
        Assert.Equal($"all-MiniLM-L6-v2-fp16@{fp16.Descriptor.ModelSha256[..8]}", fp16.Descriptor.Version);
        Assert.Equal(EncoderPrecision.Fp16, fp16.Descriptor.Precision);
        Assert.Equal(fp32.ModelSha256, fp16.Descriptor.DerivedFromSha256);
        Assert.Equal(fp32.ModelSha256, fp16.Descriptor.HeadEncoderSha256); // fp32 heads stay loadable
        var ratio = (double)new FileInfo(fp16.ModelPath).Length / new FileInfo(_encoder.Files.ModelPath).Length;
        Assert.InRange(ratio, 0.45, 0.55); // half the bytes per weight
    }

    [Fact]
    public void Ensure_FileNotMatchingItsRecordedSha_IsRebuiltToTheSameBytes_WithTheReasonLogged()
    {
        var logger = new CapturingLogger();
        var builder = new Fp16EncoderBuilder(logger);
        var first = builder.Ensure(_encoder.Files);
        var bytes = File.ReadAllBytes(first.ModelPath);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(first.ModelPath, bytes);
        var damagedSha = FileHash.Sha256Of(first.ModelPath);

        var reason = builder.Check(_encoder.Files);
        var rebuilt = builder.Ensure(_encoder.Files);

        Assert.Equal($"its SHA-256 is {damagedSha} but {Fp16EncoderBuilder.RecordFileName} says {first.Descriptor.ModelSha256}", reason);
        Assert.Equal(first.Descriptor.ModelSha256, FileHash.Sha256Of(rebuilt.ModelPath)); // deterministic
        Assert.Null(builder.Check(_encoder.Files));
        Assert.Contains(logger.Lines, l => l.Message.Contains("Built the fp16 encoder", StringComparison.Ordinal) && l.Message.Contains(reason!, StringComparison.Ordinal));
    }

    [Fact]
    public void Ensure_RecordOfAnotherRecipeOrMissing_IsRebuilt()
    {
        var builder = new Fp16EncoderBuilder();
        builder.Ensure(_encoder.Files);
        var record = Path.Combine(Path.GetDirectoryName(_encoder.Files.ModelPath)!, Fp16EncoderBuilder.RecordFileName);
        File.WriteAllText(record, File.ReadAllText(record).Replace(Fp16EncoderBuilder.RecipeId, "fp16-old", StringComparison.Ordinal));

        Assert.Equal($"it was built with recipe 'fp16-old', not '{Fp16EncoderBuilder.RecipeId}'", builder.Check(_encoder.Files));
        builder.Ensure(_encoder.Files);
        Assert.Null(builder.Check(_encoder.Files));

        File.Delete(record);
        Assert.Equal($"{Fp16EncoderBuilder.RecordFileName} is missing or unreadable", builder.Check(_encoder.Files));
        builder.Ensure(_encoder.Files);
        Assert.Null(builder.Check(_encoder.Files));
    }

    [Fact]
    public void Ensure_FromADerivedDescriptor_IsRefused()
    {
        var fp16 = new Fp16EncoderBuilder().Ensure(_encoder.Files);

        Assert.Throws<ArgumentException>(() => new Fp16EncoderBuilder().Ensure(fp16));
        Assert.Throws<InvalidOperationException>(() => fp16.Descriptor.Int8Derivative("00"));
    }

    [Fact]
    public void EncoderCache_Fp16_SharesTheCacheFolderAndVocabulary()
    {
        var files = new EncoderCache(_encoder.Root).Ensure(EncoderDescriptor.MiniLmL6V2, EncoderPrecision.Fp16);

        Assert.Equal(Path.Combine(_encoder.Root, "encoders", "all-MiniLM-L6-v2", Fp16EncoderBuilder.ModelFileName), files.ModelPath);
        Assert.Equal(EncoderPrecision.Fp16, files.Descriptor.Precision);
    }
}
