namespace StreamNlp.Models.Runtime;

/// <summary>Which ONNX Runtime execution provider to ask for (<c>StreamNlp:Models:ExecutionProvider</c>).</summary>
public enum ExecutionProvider
{
    /// <summary>CUDA when it loads, otherwise the CPU (the reason is logged once).</summary>
    Auto,

    /// <summary>Always the CPU provider.</summary>
    Cpu,

    /// <summary>
    /// CUDA or nothing: when the CUDA provider cannot load (no GPU, no CUDA 13 / cuDNN 9, a device id that does
    /// not exist), start-up fails with the reason (<see cref="CudaUnavailableException"/>) instead of running on the CPU.
    /// </summary>
    Cuda,
}
