namespace StreamNlp.Models.Runtime;

/// <summary>
/// <c>StreamNlp:Models:ExecutionProvider=Cuda</c> was asked for and the CUDA provider could not load. The message
/// is one line naming the setting, the device and ONNX Runtime's reason; the CLI prints it and exits with code 2
/// (a setting this machine cannot satisfy: change the setting or the machine).
/// </summary>
public sealed class CudaUnavailableException(int deviceId, string reason)
    : Exception($"StreamNlp:Models:ExecutionProvider=Cuda, but the CUDA execution provider could not load on device {deviceId} "
        + $"(StreamNlp:Models:DeviceId; it needs an NVIDIA GPU with CUDA 13 and cuDNN 9 libraries): {reason.TrimEnd()} -- set StreamNlp:Models:ExecutionProvider=Auto to fall back to the CPU, or Cpu.")
{
    /// <summary>The CUDA device that was asked for.</summary>
    public int DeviceId { get; } = deviceId;

    /// <summary>ONNX Runtime's reason, on one line.</summary>
    public string Reason { get; } = reason;
}
