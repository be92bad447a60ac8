using Confluent.Kafka;
using StreamNlp.Worker.Ingestion;

namespace StreamNlp.Worker.Publishing;

/// <summary>
/// What one consumed input becomes: an enriched record or a dead letter (plus, for unsure results,
/// review items), ready to produce. A dead letter carries its reason code and detail.
/// </summary>
public sealed record OutgoingRecord(
    string Topic, Message<byte[]?, byte[]> Message, ConsumedInput Input, OutgoingKind Kind, string? ErrorCode = null, string? ErrorDetail = null)
{
    public bool IsDeadLetter => Kind == OutgoingKind.DeadLetter;
}
