using StreamNlp.Models.Encoders;
using StreamNlp.Models.Segmentation;

namespace StreamNlp.Models.Runtime;

/// <summary>
/// How ONNX Runtime sessions are created, and which encoder graph is loaded: <see cref="Precision"/>
/// selects the fp32 graph or its int8 derivative. With the int8 encoder the task heads are quantized at load
/// too (<see cref="Quantization.Int8HeadRecipe"/>) unless <see cref="QuantizeHeads"/> is false; with fp32 they
/// are served exactly as trained.
/// </summary>
public sealed record InferenceSettings(
    ExecutionProvider Provider = ExecutionProvider.Auto,
    int IntraOpThreads = 0,
    int CudaDeviceId = 0,
    EncoderPrecision Precision = EncoderPrecision.Fp32,
    bool QuantizeHeads = true)
{
    /// <summary>
    /// The encoder by name: the published <c>all-MiniLM-L6-v2</c>, or an adapted encoder (tuned top blocks) defined in
    /// <see cref="AdaptedEncoderCatalog.ShippedDirectory"/>. Null: <see cref="EncoderNames.Default"/>.
    /// </summary>
    public string? Encoder { get; init; }

    /// <summary>How a text is cut into encoder sequences: its sentences (default) or the whole text.</summary>
    public TextSegmentation Segmentation { get; init; } = TextSegmentation.Sentences;

    /// <summary>Whether task heads run int8: the int8 encoder, and <see cref="QuantizeHeads"/> not turned off.</summary>
    public bool Int8Heads => Precision == EncoderPrecision.Int8 && QuantizeHeads;
}
