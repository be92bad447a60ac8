using System.Globalization;
using System.Text;
using Confluent.Kafka;
using StreamNlp.Core.Hashing;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.DeadLetters;
using StreamNlp.Worker.Ingestion;

namespace StreamNlp.Worker.Publishing;

/// <summary>
/// Builds a dead letter: the input's original key, value bytes and headers, plus headers that say
/// why it was rejected and where it came from, so it can be inspected and replayed. A dead letter
/// always fits the producer's message size limit: when the input's value (plus its headers) would not,
/// the dead letter keeps a prefix of the value and says so in headers with the original size and
/// SHA-256 (the whole value stays in the input topic, at the source offset in the headers).
/// A tombstone (null value) stays a tombstone.
/// </summary>
public sealed class DeadLetterFactory(string deadLetterTopic, TimeProvider time, int maxMessageBytes = DeadLetterFactory.DefaultMaxMessageBytes)
{
    /// <summary>librdkafka's default <c>message.max.bytes</c>.</summary>
    public const int DefaultMaxMessageBytes = KafkaClientConfigs.DefaultMaxMessageBytes;

    /// <summary>Room for the record's framing (lengths, attributes, timestamps) that librdkafka counts against the limit.</summary>
    public const int RecordOverhead = 1024;

    /// <summary>Per-header framing counted on top of its key and value.</summary>
    private const int HeaderOverhead = 16;

    /// <summary>
    /// Room kept for the W3C <c>traceparent</c> header (82 bytes with its framing) that the worker writes on every
    /// outgoing record after it is built (<c>Telemetry.BatchTrace</c>), in place of any the input carried.
    /// </summary>
    private const int TraceParentAllowance = 128;

    /// <summary>Longest error detail kept; exception messages can be long.</summary>
    private const int MaxDetailChars = 2000;

    public OutgoingRecord Create(ConsumedInput input, string errorCode, string detail)
    {
        var budget = maxMessageBytes - RecordOverhead;
        var key = input.Key;
        var original = new Headers();
        if (input.Headers is not null)
        {
            foreach (var header in input.Headers)
            {
                original.Add(header.Key, header.GetValueBytes());
            }
        }

        var headers = new Headers();
        var keep = original;
        if ((key?.Length ?? 0) + Size(original) > budget / 2)
        {
            keep = [];
            headers.Add(DeadLetterHeaders.HeadersDropped, Utf8(original.Count.ToString(CultureInfo.InvariantCulture)));
            if (key is { Length: > 0 } && key.Length > budget / 2)
            {
                key = key[..(budget / 2)];
            }
        }

        foreach (var header in keep)
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(DeadLetterHeaders.Error, Utf8(errorCode));
        headers.Add(DeadLetterHeaders.ErrorDetail, Utf8(detail.Length > MaxDetailChars ? detail[..MaxDetailChars] + "…" : detail));
        headers.Add(DeadLetterHeaders.SourceTopic, Utf8(input.Coordinates.Topic));
        headers.Add(DeadLetterHeaders.SourcePartition, Utf8(input.Coordinates.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.SourceOffset, Utf8(input.Coordinates.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.FailedAt, Utf8(time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));

        var value = input.Value;
        if (value is not null)
        {
            // Reserve room for the three headers that describe a cut before deciding whether to cut.
            var room = budget - (key?.Length ?? 0) - Size(headers) - 3 * (HeaderOverhead + 64) - TraceParentAllowance;
            if (value.Length > room)
            {
                headers.Add(DeadLetterHeaders.OriginalSize, Utf8(value.Length.ToString(CultureInfo.InvariantCulture)));
                headers.Add(DeadLetterHeaders.OriginalSha256, Utf8(FileHash.Sha256Of(value)));
                headers.Add(DeadLetterHeaders.ValueTruncated, Utf8(Math.Max(0, room).ToString(CultureInfo.InvariantCulture)));
                value = value[..Math.Max(0, room)];
            }
        }

        var message = new Message<byte[]?, byte[]>
        {
            Key = key,
            Value = value!, // null for a tombstone: the dead letter is a tombstone too
            Headers = headers,
        };
        return new OutgoingRecord(deadLetterTopic, message, input, OutgoingKind.DeadLetter, errorCode, detail);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static int Size(Headers headers) => headers.Sum(h => Encoding.UTF8.GetByteCount(h.Key) + (h.GetValueBytes()?.Length ?? 0) + HeaderOverhead);
}
