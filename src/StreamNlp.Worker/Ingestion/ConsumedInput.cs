using Confluent.Kafka;
using StreamNlp.Core.Contracts;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.Worker.Ingestion;

/// <summary>
/// One consumed record on its way through the pipeline: its coordinates (so Publishing can commit
/// it), its original key, value and headers (so a dead letter can carry them), and the parse result
/// with the tokenized text when it is valid, and the generation of its partition when it was consumed
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
    TokenizedText? Tokens,
    long Generation = 0)
{
    public SourceCoordinates Source => new(Coordinates.Topic, Coordinates.Partition.Value, Coordinates.Offset.Value);

    /// <summary>Padded-token cost of this record in a batch.</summary>
    public int TokenCount => Tokens?.Length ?? 0;
}
