using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Configuration;
using StreamNlp.Worker.Hosting;

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

    private static ModelOptions Resolve(string precision)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{ModelOptions.Section}:Precision"] = precision })
            .Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddStreamNlpOptions()
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<ModelOptions>>().Value;
    }
}
