namespace StreamNlp.Models.Runtime;

/// <summary>Which ONNX Runtime execution provider to ask for.</summary>
public enum ExecutionProvider
{
    /// <summary>CUDA when it loads, otherwise the CPU (the reason is logged).</summary>
    Auto,

    /// <summary>Always the CPU provider.</summary>
    Cpu,

    /// <summary>CUDA when it loads, otherwise the CPU (the reason is logged). Same as Auto, stated explicitly.</summary>
    Cuda,
}
