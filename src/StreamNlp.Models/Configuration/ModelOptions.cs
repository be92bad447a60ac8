using System.ComponentModel.DataAnnotations;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Segmentation;

namespace StreamNlp.Models.Configuration;

/// <summary>Model settings, section <c>StreamNlp:Models</c>.</summary>
public sealed class ModelOptions
{
    public const string Section = "StreamNlp:Models";

    /// <summary>
    /// Model registry folder (<c>&lt;task&gt;/&lt;version&gt;/</c> + <c>current</c>). Empty:
    /// <c>~/.local/share/streamnlp/models</c>. A task the folder lacks is seeded from the models shipped
    /// with the application.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>Where the encoder is unpacked and checked. Default <c>~/.cache/streamnlp</c>.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>
    /// Token budget per text, every sequence's [CLS] and [SEP] included; what does not fit is left unread and the text is
    /// flagged truncated. Default 256.
    /// </summary>
    [Range(8, 512, ErrorMessage = "StreamNlp:Models:MaxTokens must be between {1} and {2} (the encoder's position limit is 512).")]
    public int MaxTokens { get; set; } = 256;

    /// <summary>
    /// <c>Auto</c> (CUDA when it loads, else the CPU, the reason logged once), <c>Cpu</c>, or <c>Cuda</c> (CUDA or a
    /// failed start-up naming the reason, exit code 2). Default Auto.
    /// </summary>
    [EnumDataType(typeof(ExecutionProvider), ErrorMessage = "StreamNlp:Models:ExecutionProvider must be Auto, Cpu or Cuda.")]
    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Auto;

    /// <summary>CUDA device (ordinal, as <c>nvidia-smi</c> lists it) for <c>Auto</c> and <c>Cuda</c>. Default 0.</summary>
    [Range(0, 1024, ErrorMessage = "StreamNlp:Models:DeviceId must be between {1} and {2} (a CUDA device ordinal).")]
    public int DeviceId { get; set; }

    /// <summary>The ONNX Runtime session settings these options describe.</summary>
    public InferenceSettings ToInferenceSettings() =>
        new(ExecutionProvider, IntraOpThreads, DeviceId, Precision, QuantizeHeads) { Encoder = Encoder, Segmentation = Segmentation };

    /// <summary>
    /// <c>Sentences</c>: each sentence of a text is its own encoder sequence, the heads score each, and the text's topic
    /// and sentiment combine them (entities keep their offsets in the whole text); <c>None</c>: the whole text is one
    /// sequence. Default Sentences: on whole reviews, out of domain, sentiment rose 3 to 6 points, and one-sentence texts
    /// are unchanged (docs/SEGMENTATION.md).
    /// </summary>
    [EnumDataType(typeof(TextSegmentation), ErrorMessage = "StreamNlp:Models:Segmentation must be Sentences or None.")]
    public TextSegmentation Segmentation { get; set; } = TextSegmentation.Sentences;

    /// <summary>
    /// The encoder by name: <c>all-MiniLM-L6-v2</c> as published, or an adapted encoder (its top blocks tuned on the three
    /// tasks, <c>streamnlp train encoder</c>) shipped in <c>models/encoders/</c>. The heads must have been trained on
    /// the same encoder; a head trained on another is refused at load. Default: <see cref="EncoderNames.Default"/>.
    /// </summary>
    public string Encoder { get; set; } = EncoderNames.Default;

    /// <summary>ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose (one per core). Default 0.</summary>
    [Range(0, 1024, ErrorMessage = "StreamNlp:Models:IntraOpThreads must be between {1} and {2}.")]
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Encoder weights: <c>Fp32</c> (the packaged graph), <c>Int8</c> (its weight MatMuls quantized) or <c>Fp16</c>
    /// (its weights in fp16, for the CUDA provider); both derived and cached at first use, and the same heads serve
    /// all three. Default Int8: on the CPU it ran the encoder 2.4× faster and every shipped head's dev metric stayed
    /// within 0.7 points of fp32 (docs/INT8.md). Fp16 on the CPU provider is correct but not faster (docs/GPU.md).
    /// </summary>
    [EnumDataType(typeof(EncoderPrecision), ErrorMessage = "StreamNlp:Models:Precision must be Fp32, Int8 or Fp16.")]
    public EncoderPrecision Precision { get; set; } = EncoderPrecision.Int8;

    /// <summary>
    /// With <c>Precision=Int8</c>, also quantize the task heads at load (in memory, from the verified head file:
    /// 1-D convolutions and weight MatMuls with 32 or more outputs int8). Default true: the heads went from 15% to
    /// 6% of the int8 encoder's time, and every dev metric moved by at most 0.33 points (docs/INT8.md). No effect with Fp32.
    /// </summary>
    public bool QuantizeHeads { get; set; } = true;
}
