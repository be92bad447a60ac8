using Microsoft.Extensions.Logging;

namespace StreamNlp.Models;

/// <summary>Source-generated log messages of the model runtime (event ids 1000–1099).</summary>
internal static partial class ModelsLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning,
        Message = "CUDA execution provider unavailable, using the CPU provider. Reason: {Reason}")]
    public static partial void CudaUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
        Message = "Loaded encoder {Encoder} on {Provider}; heads from {Registry}: {Heads}")]
    public static partial void BundleLoaded(ILogger logger, string encoder, string provider, string registry, string heads);
}
