using Microsoft.Extensions.Options;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Configuration;

namespace StreamNlp.UnitTests.Models.Configuration;

/// <summary><c>StreamNlp:Models:Precision</c> as the host binds and validates it.</summary>
public sealed class ModelOptionsPrecisionTests
{
    [Theory]
    [InlineData("Fp32", EncoderPrecision.Fp32)]
    [InlineData("int8", EncoderPrecision.Int8)]
    [InlineData("FP16", EncoderPrecision.Fp16)]
    public void Bind_KnownPrecision_IsAccepted(string value, EncoderPrecision expected) =>
        Assert.Equal(expected, Resolve(value).Precision);

    [Fact]
    public void Bind_UnknownPrecisionName_FailsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolve("Int4"));

        Assert.Contains("StreamNlp:Models:Precision", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UndefinedPrecisionNumber_FailsNamingTheSetting()
    {
        // A number binds to the enum without complaint; the data annotation is what stops it.
        var error = Assert.Throws<OptionsValidationException>(() => Resolve("7"));

        Assert.Contains("StreamNlp:Models:Precision must be Fp32, Int8 or Fp16", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Int8", null, true)]
    [InlineData("Int8", "false", false)]
    [InlineData("Fp32", null, false)]
    [InlineData("Fp32", "true", false)]
    public void QuantizeHeads_TakesEffectOnlyWithTheInt8Encoder(string precision, string? quantizeHeads, bool int8Heads) =>
        Assert.Equal(int8Heads, Resolve(precision, quantizeHeads).ToInferenceSettings().Int8Heads);

    private static ModelOptions Resolve(string precision, string? quantizeHeads = null) =>
        BoundModelOptions.Resolve(new Dictionary<string, string?> { ["Precision"] = precision, ["QuantizeHeads"] = quantizeHeads });
}
