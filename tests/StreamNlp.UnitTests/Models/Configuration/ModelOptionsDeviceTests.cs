using Microsoft.Extensions.Options;
using StreamNlp.Models.Configuration;
using StreamNlp.Models.Runtime;

namespace StreamNlp.UnitTests.Models.Configuration;

/// <summary><c>StreamNlp:Models:ExecutionProvider</c> and <c>DeviceId</c> as the host binds and validates them.</summary>
public sealed class ModelOptionsDeviceTests
{
    [Fact]
    public void Bind_CudaOnDeviceTwo_ReachesTheSessionSettings()
    {
        var options = Resolve(new() { ["ExecutionProvider"] = "cuda", ["DeviceId"] = "2", ["IntraOpThreads"] = "3" });

        var settings = options.ToInferenceSettings();

        Assert.Equal(ExecutionProvider.Cuda, settings.Provider);
        Assert.Equal(2, settings.CudaDeviceId);
        Assert.Equal(3, settings.IntraOpThreads);
        Assert.Equal(options.Precision, settings.Precision);
    }

    [Fact]
    public void Bind_Defaults_AreAutoOnDeviceZero()
    {
        var options = Resolve([]);

        Assert.Equal(ExecutionProvider.Auto, options.ExecutionProvider);
        Assert.Equal(0, options.DeviceId);
    }

    [Fact]
    public void Validate_NegativeDeviceId_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["DeviceId"] = "-1" }));

        Assert.Contains("StreamNlp:Models:DeviceId must be between 0 and 1024", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_DeviceIdNotANumber_FailsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolve(new() { ["DeviceId"] = "gpu0" }));

        Assert.Contains("StreamNlp:Models:DeviceId", error.Message, StringComparison.Ordinal);
    }

    private static ModelOptions Resolve(Dictionary<string, string?> values) => BoundModelOptions.Resolve(values);
}
