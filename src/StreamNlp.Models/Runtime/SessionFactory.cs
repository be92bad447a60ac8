using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace StreamNlp.Models.Runtime;

/// <summary>
/// Creates ONNX Runtime sessions on the chosen execution provider. The GPU package lists CUDA as
/// available even where no GPU exists, so the only honest test is to append the CUDA provider (and create
/// the session with it) and catch the failure. With <see cref="ExecutionProvider.Auto"/> the first failure is
/// remembered and logged once, with its reason, and every later session goes straight to the CPU; with
/// <see cref="ExecutionProvider.Cuda"/> it is a <see cref="CudaUnavailableException"/>, so start-up stops
/// instead of running on the CPU unnoticed.
/// </summary>
public sealed class SessionFactory(InferenceSettings settings, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Lock _gate = new();
    private string? _cudaFailure;

    /// <summary>The settings every session of this factory is created with.</summary>
    public InferenceSettings Settings => settings;

    /// <summary>The provider the most recent session actually got: "CUDA" or "CPU".</summary>
    public string ActiveProvider { get; private set; } = "CPU";

    /// <summary>Why CUDA is not used, when it was asked for and failed; otherwise null.</summary>
    public string? CudaUnavailableReason => _cudaFailure;

    /// <summary>
    /// A session for the graph at <paramref name="modelPath"/>.
    /// </summary>
    /// <exception cref="CudaUnavailableException">The provider is <see cref="ExecutionProvider.Cuda"/> and CUDA does not load.</exception>
    public InferenceSession Create(string modelPath) => Create(options => new InferenceSession(modelPath, options));

    /// <summary>
    /// A session for a graph held in memory (a head quantized at load).
    /// </summary>
    /// <exception cref="CudaUnavailableException">The provider is <see cref="ExecutionProvider.Cuda"/> and CUDA does not load.</exception>
    public InferenceSession Create(byte[] model) => Create(options => new InferenceSession(model, options));

    private InferenceSession Create(Func<SessionOptions, InferenceSession> open)
    {
        var (options, cuda) = CreateOptions();
        try
        {
            return open(options);
        }
        catch (OnnxRuntimeException cudaError) when (cuda)
        {
            // The provider library loaded but the session could not be placed on the device (no GPU, a device
            // id that does not exist, a driver too old). If the CPU takes the graph, CUDA was the problem;
            // if not, the graph is, and the CPU's error is the one to report.
            using var cpu = NewOptions();
            var session = open(cpu);
            try
            {
                CudaFailed(cudaError.Message);
            }
            catch
            {
                session.Dispose();
                throw;
            }

            ActiveProvider = "CPU";
            return session;
        }
        finally
        {
            options.Dispose();
        }
    }

    private (SessionOptions Options, bool Cuda) CreateOptions()
    {
        if (settings.Provider != ExecutionProvider.Cpu)
        {
            lock (_gate)
            {
                if (_cudaFailure is not null && settings.Provider == ExecutionProvider.Cuda)
                {
                    throw new CudaUnavailableException(settings.CudaDeviceId, _cudaFailure);
                }

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
                        return (options, true);
                    }
                    catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
                    {
                        options.Dispose();
                        CudaFailed(ex.Message);
                    }
                    finally
                    {
                        OrtEnv.Instance().EnvLogLevel = level;
                    }
                }
            }
        }

        ActiveProvider = "CPU";
        return (NewOptions(), false);
    }

    /// <summary>Remembers why CUDA failed; <see cref="ExecutionProvider.Cuda"/> throws, <see cref="ExecutionProvider.Auto"/> logs once.</summary>
    private void CudaFailed(string message)
    {
        lock (_gate)
        {
            var first = _cudaFailure is null;
            _cudaFailure ??= message.ReplaceLineEndings(" ").Trim();
            if (settings.Provider == ExecutionProvider.Cuda)
            {
                throw new CudaUnavailableException(settings.CudaDeviceId, _cudaFailure);
            }

            if (first)
            {
                ModelsLog.CudaUnavailable(_logger, _cudaFailure);
            }
        }
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
