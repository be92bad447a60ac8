using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using StreamNlp.Kafka.DeadLetters;

namespace StreamNlp.IntegrationTests.Worker;

/// <summary>
/// The one check every reliability test makes. Inputs are named by where they landed (topic, partition,
/// offset); an enriched record names its input in <c>source</c>, a dead letter in its source headers.
/// It counts inputs that appear in neither topic (lost), extra appearances (duplicates) and, per key,
/// outputs whose input offsets go backwards on first appearance (order broken).
/// </summary>
internal sealed record DeliveryInvariant(int Inputs, int Enriched, int DeadLettered, IReadOnlyList<string> Missing, int Duplicates, int OrderViolations)
{
    public static DeliveryInvariant Check(
        IReadOnlyCollection<TopicPartitionOffset> inputs,
        IReadOnlyList<ConsumeResult<string?, byte[]?>> enriched,
        IReadOnlyList<ConsumeResult<string?, byte[]?>> deadLetters)
    {
        var seen = new Dictionary<(int Partition, long Offset), int>();
        var order = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var record in enriched)
        {
            using var json = JsonDocument.Parse(record.Message.Value!);
            var source = json.RootElement.GetProperty("source");
            Note((source.GetProperty("partition").GetInt32(), source.GetProperty("offset").GetInt64()), record.Message.Key);
        }

        foreach (var record in deadLetters)
        {
            Note((int.Parse(TopicClient.Header(record, DeadLetterHeaders.SourcePartition), CultureInfo.InvariantCulture),
                  long.Parse(TopicClient.Header(record, DeadLetterHeaders.SourceOffset), CultureInfo.InvariantCulture)), null);
        }

        var missing = inputs.Where(i => !seen.ContainsKey((i.Partition.Value, i.Offset.Value)))
            .Select(i => i.ToString()).ToList();
        var violations = order.Values.Sum(offsets => offsets.Zip(offsets.Skip(1)).Count(pair => pair.Second < pair.First));
        return new DeliveryInvariant(inputs.Count, enriched.Count, deadLetters.Count, missing, seen.Values.Sum(c => c - 1), violations);

        void Note((int Partition, long Offset) input, string? key)
        {
            var first = !seen.ContainsKey(input);
            seen[input] = seen.GetValueOrDefault(input) + 1;
            if (first && key is not null)
            {
                if (!order.TryGetValue(key, out var list))
                {
                    order[key] = list = [];
                }

                list.Add(input.Offset);
            }
        }
    }

    public override string ToString() =>
        $"{Inputs} inputs: {Enriched} enriched, {DeadLettered} dead-lettered, {Missing.Count} missing" +
        (Missing.Count > 0 ? $" (e.g. {string.Join(", ", Missing.Take(5))})" : "") +
        $", {Duplicates} duplicates, {OrderViolations} per-key order violations";
}
