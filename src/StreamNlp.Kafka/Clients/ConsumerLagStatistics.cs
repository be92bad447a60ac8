using System.Text.Json;

namespace StreamNlp.Kafka.Clients;

/// <summary>
/// Reads consumer lag out of librdkafka's statistics JSON (<c>statistics.interval.ms</c>): for every partition the
/// consumer fetches, <c>topics.{topic}.partitions.{partition}.consumer_lag</c>. Partitions whose lag is unknown
/// (<c>-1</c>: not assigned here, nothing committed or no watermark yet) and librdkafka's internal partition
/// <c>-1</c> are left out.
/// </summary>
public static class ConsumerLagStatistics
{
    public static IReadOnlyList<PartitionLag> Parse(string json)
    {
        var lags = new List<PartitionLag>();
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("topics", out var topics) || topics.ValueKind != JsonValueKind.Object)
            {
                return lags;
            }

            foreach (var topic in topics.EnumerateObject())
            {
                if (!topic.Value.TryGetProperty("partitions", out var partitions) || partitions.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var partition in partitions.EnumerateObject())
                {
                    if (!int.TryParse(partition.Name, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var id) || id < 0)
                    {
                        continue;
                    }

                    if (partition.Value.TryGetProperty("consumer_lag", out var lag) && lag.TryGetInt64(out var value) && value >= 0)
                    {
                        lags.Add(new PartitionLag(topic.Name, id, value));
                    }
                }
            }
        }
        catch (JsonException)
        {
            // not statistics we understand: no lag to report
        }

        return lags;
    }
}
