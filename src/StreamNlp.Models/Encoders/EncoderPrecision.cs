namespace StreamNlp.Models.Encoders;

/// <summary>
/// Numeric precision of the encoder's weight matrices. Heads are always trained on the fp32 encoder;
/// <see cref="Int8"/> serves them from an int8 derivative of the same weights (see docs/INT8.md).
/// </summary>
public enum EncoderPrecision
{
    /// <summary>The packaged graph as published.</summary>
    Fp32,

    /// <summary>
    /// The packaged graph with its constant-weight MatMuls quantized to int8 (dynamic activation
    /// quantization), built by <see cref="Quantization.Int8EncoderBuilder"/> at first use.
    /// </summary>
    Int8,

    /// <summary>
    /// The packaged graph with its float weights in fp16 (LayerNorms fp32, inputs and outputs unchanged), built by
    /// <see cref="Quantization.Fp16EncoderBuilder"/> at first use; meant for the CUDA provider (docs/GPU.md).
    /// </summary>
    Fp16,
}
