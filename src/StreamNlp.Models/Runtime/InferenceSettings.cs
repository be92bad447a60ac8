using StreamNlp.Models.Encoders;

namespace StreamNlp.Models.Runtime;

/// <summary>
/// How ONNX Runtime sessions are created, and which encoder graph is loaded: <see cref="Precision"/>
/// selects the fp32 graph or its int8 derivative (heads are fp32 either way).
/// </summary>
public sealed record InferenceSettings(
    ExecutionProvider Provider = ExecutionProvider.Auto,
    int IntraOpThreads = 0,
    int CudaDeviceId = 0,
    EncoderPrecision Precision = EncoderPrecision.Fp32);
