using Confluent.Kafka;
using StreamNlp.Core.Contracts;
using StreamNlp.Models.Segmentation;

namespace StreamNlp.Worker.Ingestion;

/// <summary>
/// One consumed record on its way through the pipeline: its coordinates (so Publishing can commit
/// it), its original key, value and headers (so a dead letter can carry them), and the parse result
/// with the text cut into its encoder sequences (segments) when it is valid, and the generation of its partition when it was consumed
/// (see <see cref="PartitionGenerations"/>: a record of a revoked partition is dropped, not processed).
/// </summary>
public sealed record ConsumedInput(
    TopicPartitionOffset Coordinates,
    byte[]? Key,
    byte[]? Value,
    Headers? Headers,
    Timestamp Timestamp,
    long ConsumedAtTimestamp,
    InputParseResult Parsed,
    SegmentedText? Segments,
    long Generation = 0)
{
    public SourceCoordinates Source => new(Coordinates.Topic, Coordinates.Partition.Value, Coordinates.Offset.Value);

    /// <summary>The encoder positions this record takes: every segment's tokens, [CLS] and [SEP] included.</summary>
    public int TokenCount => Segments?.TokenCount ?? 0;
}
