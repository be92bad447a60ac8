using StreamNlp.Models.Inference;
using StreamNlp.Worker.Ingestion;

namespace StreamNlp.Worker.Inference;

/// <summary>
/// A window after the inference stage and before its records are written: each valid input's annotation (or
/// the reason its inference failed), the moment its encoder run finished (its <c>processedAt</c>), and the
/// model versions it ran on. The delivery stage turns it into records (<see cref="BatchEnricher.Records"/>).
/// </summary>
public sealed record AnnotatedWindow(
    IReadOnlyList<ConsumedInput> Inputs,
    IReadOnlyDictionary<ConsumedInput, TextAnnotation> Annotations,
    IReadOnlyDictionary<ConsumedInput, string> Failures,
    IReadOnlyDictionary<ConsumedInput, (DateTimeOffset Now, long Timestamp)> FinishedAt,
    IReadOnlyDictionary<string, string> Versions,
    int EncoderRuns,
    long PaddedTokens);
