using Microsoft.Extensions.Logging;
using StreamNlp.Models.Runtime;
using StreamNlp.UnitTests.Logging;

namespace StreamNlp.UnitTests.Models.Runtime;

/// <summary>
/// <c>Auto</c> falls back to the CPU with one logged reason; <c>Cuda</c> refuses to. Both need a machine where CUDA does
/// not load (the development machine and CI: no GPU); where it does load, they are skipped.
/// </summary>
public sealed class ExecutionProviderChoiceTests
{
    private static readonly string Head = Path.Combine(AppContext.BaseDirectory, "models", "classification", "v1", "head.onnx");

    [SkippableFact]
    public void Auto_CudaDoesNotLoad_FallsBackToCpuAndLogsTheReasonOnce()
    {
        var logger = new CapturingLogger();
        var factory = new SessionFactory(new InferenceSettings(ExecutionProvider.Auto), logger);

        using var first = factory.Create(Head);
        Skip.If(factory.ActiveProvider == "CUDA", "CUDA loads on this machine, so there is no fallback to observe");
        using var second = factory.Create(Head);

        Assert.Equal("CPU", factory.ActiveProvider);
        Assert.False(string.IsNullOrWhiteSpace(factory.CudaUnavailableReason));
        var warning = Assert.Single(logger.Lines, l => l.Message.Contains("CUDA execution provider unavailable", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(factory.CudaUnavailableReason!, warning.Message, StringComparison.Ordinal);
        Assert.NotEmpty(first.InputMetadata);
    }

    [SkippableFact]
    public void Cuda_CudaDoesNotLoad_ThrowsOneLineNamingTheSettingDeviceAndReason()
    {
        SkipWhereCudaLoads();
        var logger = new CapturingLogger();
        var factory = new SessionFactory(new InferenceSettings(ExecutionProvider.Cuda, CudaDeviceId: 3), logger);

        var error = Assert.Throws<CudaUnavailableException>(() => factory.Create(Head));

        Assert.StartsWith("StreamNlp:Models:ExecutionProvider=Cuda, but the CUDA execution provider could not load on device 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("StreamNlp:Models:DeviceId", error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        Assert.Contains(error.Reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(3, error.DeviceId);
        Assert.DoesNotContain(logger.Lines, l => l.Message.Contains("using the CPU provider", StringComparison.Ordinal));
        // The failure is remembered: the next session is refused the same way, not tried on the CPU.
        Assert.Throws<CudaUnavailableException>(() => factory.Create(Head));
    }

    [Fact]
    public void Cpu_NeverTriesCuda()
    {
        var factory = new SessionFactory(new InferenceSettings(ExecutionProvider.Cpu));

        using var session = factory.Create(Head);

        Assert.Equal("CPU", factory.ActiveProvider);
        Assert.Null(factory.CudaUnavailableReason);
    }

    private static void SkipWhereCudaLoads()
    {
        var probe = new SessionFactory(new InferenceSettings(ExecutionProvider.Auto));
        using var session = probe.Create(Head);
        Skip.If(probe.ActiveProvider == "CUDA", "CUDA loads on this machine, so Cuda cannot be refused here");
    }
}
