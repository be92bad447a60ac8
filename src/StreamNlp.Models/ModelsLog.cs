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

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Built the int8 encoder {Path} because {Reason}: {Quantized} weight MatMuls int8, {KeptFloat} kept fp32, recipe {Recipe}, {ElapsedMs} ms")]
    public static partial void Int8EncoderBuilt(ILogger logger, string path, string reason, int quantized, int keptFloat, string recipe, long elapsedMs);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information,
        Message = "Built the fp16 encoder {Path} because {Reason}: {Converted} float initializers fp16, {Float32Nodes} nodes kept fp32 ({LayerNorms} LayerNorms), recipe {Recipe}, {ElapsedMs} ms")]
    public static partial void Fp16EncoderBuilt(ILogger logger, string path, string reason, int converted, int float32Nodes, int layerNorms, string recipe, long elapsedMs);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning,
        Message = "StreamNlp:Models:Precision=Fp16 is running on the CPU provider: ONNX Runtime has no fp16 kernels for most of its ops on x64 CPUs and computes them in fp32 behind casts, so it is correct but no faster than Fp32 (Int8 is the fast CPU choice). Fp16 is meant for StreamNlp:Models:ExecutionProvider=Cuda.")]
    public static partial void Fp16OnCpu(ILogger logger);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information,
        Message = "Built adapted encoder {Name} at {Path}: the published graph with {Replaced} tuned weights")]
    public static partial void AdaptedEncoderBuilt(ILogger logger, string name, string path, int replaced);
}
