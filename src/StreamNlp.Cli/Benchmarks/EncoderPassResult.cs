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

    /// <summary>
    /// The heads' share of encoder + heads time, both timed back to back on the same batch (so a noisy
    /// neighbour slows both alike); the difference of two separate runs (Annotate − encoder) is far noisier.
    /// </summary>
    public double HeadsShare
    {
        get
        {
            var heads = HeadSeconds.Values.Sum();
            return EncoderSeconds + heads <= 0 ? double.NaN : heads / (EncoderSeconds + heads);
        }
    }

    /// <summary>The heads' time ÷ the bare encoder's, on the same batches: issue 11's "heads cost ≤ 10% of the encoder".</summary>
    public double HeadsPerEncoder => EncoderSeconds <= 0 ? double.NaN : HeadSeconds.Values.Sum() / EncoderSeconds;

    /// <summary>
    /// <c>Annotate</c>'s time beyond the encoder and the heads' ONNX runs: decoding (NER's Viterbi, labels)
    /// and building results, plus whatever noise separates two runs of the same batch.
    /// </summary>
    public double AnnotateRestSeconds => AnnotateSeconds - EncoderSeconds - HeadSeconds.Values.Sum();

    /// <summary>
    /// Two passes over the same texts taken as one: times and counts add up (padding is the same by
    /// construction, so the first pass's is kept). The bench runs one pass before the end-to-end run and one
    /// after it, so a neighbour's load that changes during the run weighs on both sides of the ratio alike.
    /// </summary>
    public static EncoderPassResult Combine(EncoderPassResult first, EncoderPassResult second) =>
        new(
            first.Texts + second.Texts,
            first.Batches + second.Batches,
            first.TokenizeSeconds + second.TokenizeSeconds,
            first.EncoderSeconds + second.EncoderSeconds,
            first.AnnotateSeconds + second.AnnotateSeconds,
            first.HeadSeconds.Keys.Union(second.HeadSeconds.Keys)
                .ToDictionary(k => k, k => first.HeadSeconds.GetValueOrDefault(k) + second.HeadSeconds.GetValueOrDefault(k)),
            first.Padding);
}
