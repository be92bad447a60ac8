using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace StreamNlp.Models.Runtime;

/// <summary>
/// Creates ONNX Runtime sessions on the chosen execution provider. The GPU package lists CUDA as
/// available even where no GPU exists, so the only honest test is to append the CUDA provider and
/// catch its failure; the first failure is remembered and logged once, with its reason, and every
/// later session goes straight to the CPU.
/// </summary>
public sealed class SessionFactory(InferenceSettings settings, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Lock _gate = new();
    private string? _cudaFailure;

    /// <summary>The provider the most recent session actually got: "CUDA" or "CPU".</summary>
    public string ActiveProvider { get; private set; } = "CPU";

    /// <summary>Why CUDA is not used, when it was asked for and failed; otherwise null.</summary>
    public string? CudaUnavailableReason => _cudaFailure;

    public InferenceSession Create(string modelPath)
    {
        var options = CreateOptions();
        try
        {
            return new InferenceSession(modelPath, options);
        }
        finally
        {
            options.Dispose();
        }
    }

    private SessionOptions CreateOptions()
    {
        if (settings.Provider != ExecutionProvider.Cpu)
        {
            lock (_gate)
            {
                if (_cudaFailure is null)
                {
                    var options = NewOptions();
                    // ONNX Runtime prints its own error when the CUDA library cannot load; we log the
                    // reason ourselves, once, so its logger is quieted for the probe.
                    var level = OrtEnv.Instance().EnvLogLevel;
                    OrtEnv.Instance().EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
                    try
                    {
                        options.AppendExecutionProvider_CUDA(settings.CudaDeviceId);
                        ActiveProvider = "CUDA";
                        return options;
                    }
                    catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
                    {
                        _cudaFailure = ex.Message.ReplaceLineEndings(" ");
                        ModelsLog.CudaUnavailable(_logger, _cudaFailure);
                        options.Dispose();
                    }
                    finally
                    {
                        OrtEnv.Instance().EnvLogLevel = level;
                    }
                }
            }
        }

        ActiveProvider = "CPU";
        return NewOptions();
    }

    private SessionOptions NewOptions()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // Memory patterns are planned and cached per input shape. Encoder runs come in many shapes
            // (records × tokens vary run to run, more so with length grouping), so the cache only grows:
            // a 12-minute soak crept 4% after warm-up with it on. ORT recommends it off for dynamic shapes.
            EnableMemoryPattern = false,
        };
        if (settings.IntraOpThreads > 0)
        {
            options.IntraOpNumThreads = settings.IntraOpThreads;
        }

        return options;
    }
}
