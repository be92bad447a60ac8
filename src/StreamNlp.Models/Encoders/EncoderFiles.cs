namespace StreamNlp.Models.Encoders;

/// <summary>The encoder's files in the local cache, verified against their SHA-256.</summary>
public sealed record EncoderFiles(EncoderDescriptor Descriptor, string ModelPath, string VocabularyPath);
