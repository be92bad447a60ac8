using System.Globalization;
using System.Text;
using Confluent.Kafka;
using StreamNlp.Worker.Ingestion;

namespace StreamNlp.Worker.Publishing;

/// <summary>
/// Builds a dead letter: the input's original key, value bytes and headers, plus headers that say
/// why it was rejected and where it came from, so it can be inspected and replayed.
/// </summary>
public sealed class DeadLetterFactory(string deadLetterTopic, TimeProvider time)
{
    public OutgoingRecord Create(ConsumedInput input, string errorCode, string detail)
    {
        var headers = new Headers();
        if (input.Headers is not null)
        {
            foreach (var header in input.Headers)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        headers.Add(DeadLetterHeaders.Error, Encoding.UTF8.GetBytes(errorCode));
        headers.Add(DeadLetterHeaders.ErrorDetail, Encoding.UTF8.GetBytes(detail));
        headers.Add(DeadLetterHeaders.SourceTopic, Encoding.UTF8.GetBytes(input.Coordinates.Topic));
        headers.Add(DeadLetterHeaders.SourcePartition, Encoding.UTF8.GetBytes(input.Coordinates.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.SourceOffset, Encoding.UTF8.GetBytes(input.Coordinates.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.FailedAt, Encoding.UTF8.GetBytes(time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));

        var message = new Message<byte[]?, byte[]>
        {
            Key = input.Key,
            Value = input.Value ?? [],
            Headers = headers,
        };
        return new OutgoingRecord(deadLetterTopic, message, input, OutgoingKind.DeadLetter);
    }
}
