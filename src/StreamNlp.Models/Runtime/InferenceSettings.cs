namespace StreamNlp.Models.Runtime;

/// <summary>How ONNX Runtime sessions are created.</summary>
public sealed record InferenceSettings(ExecutionProvider Provider = ExecutionProvider.Auto, int IntraOpThreads = 0, int CudaDeviceId = 0);
