namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// What the in-process pass measured: seconds spent tokenizing, in the bare encoder, in each head (on the
/// bare encoder's output) and in the model bundle's whole <c>Annotate</c> (encoder + every head + decoding,
/// exactly what the worker calls per batch), over the same batches.
/// </summary>
internal sealed record EncoderPassResult(
    int Texts,
    int Batches,
    double TokenizeSeconds,
    double EncoderSeconds,
    double AnnotateSeconds,
    IReadOnlyDictionary<string, double> HeadSeconds,
    PaddingTally Padding)
{
    /// <summary>Texts/s through tokenize + encoder, no heads.</summary>
    public double EncoderOnlyPerSecond => Texts / (TokenizeSeconds + EncoderSeconds);

    /// <summary>Texts/s through tokenize + <c>Annotate</c> (encoder + heads + decoding).</summary>
    public double EncoderHeadsPerSecond => Texts / (TokenizeSeconds + AnnotateSeconds);

    /// <summary>Share of <c>Annotate</c>'s time not spent in the encoder: the heads and their decoding.</summary>
    public double HeadsShare => AnnotateSeconds <= 0 ? double.NaN : Math.Max(0, 1 - (EncoderSeconds / AnnotateSeconds));
}
