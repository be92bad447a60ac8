using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace StreamNlp.IntegrationTests.Worker;

/// <summary>Produces test input and reads topics back, with timeouts so a failing test never hangs.</summary>
internal static class TopicClient
{
    public static async Task ProduceAsync(string bootstrap, string topic, IEnumerable<(string? Key, byte[]? Value)> messages)
    {
        using var producer = new ProducerBuilder<string?, byte[]?>(new ProducerConfig { BootstrapServers = bootstrap, EnableIdempotence = true, LingerMs = 5 }).Build();
        var deliveries = messages.Select(m => producer.ProduceAsync(topic, new Message<string?, byte[]?> { Key = m.Key, Value = m.Value })).ToList();
        await Task.WhenAll(deliveries);
    }

    /// <summary>Produces and returns where each message landed, in input order (the identity the invariant checker uses).</summary>
    public static async Task<IReadOnlyList<TopicPartitionOffset>> ProduceWithOffsetsAsync(
        string bootstrap, string topic, IEnumerable<(string? Key, byte[]? Value)> messages)
    {
        using var producer = new ProducerBuilder<string?, byte[]?>(new ProducerConfig { BootstrapServers = bootstrap, EnableIdempotence = true, LingerMs = 5 }).Build();
        var deliveries = messages.Select(m => producer.ProduceAsync(topic, new Message<string?, byte[]?> { Key = m.Key, Value = m.Value })).ToList();
        var results = await Task.WhenAll(deliveries);
        return [.. results.Select(r => r.TopicPartitionOffset)];
    }

    public static Task ProduceTextsAsync(string bootstrap, string topic, IEnumerable<string> texts) =>
        ProduceAsync(bootstrap, topic, texts.Select((t, i) => ((string?)$"k{i}", (byte[]?)Encoding.UTF8.GetBytes(t))));

    /// <summary>Reads until <paramref name="expected"/> records arrived, then keeps reading for <paramref name="settle"/> to catch extras.</summary>
    public static List<ConsumeResult<string?, byte[]?>> Read(string bootstrap, string topic, int expected, TimeSpan timeout, TimeSpan? settle = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<string?, byte[]?>(config).SetErrorHandler((_, _) => { }).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<string?, byte[]?>>();
        var clock = Stopwatch.StartNew();
        TimeSpan? doneAt = null;
        while (clock.Elapsed < timeout)
        {
            if (results.Count >= expected)
            {
                doneAt ??= clock.Elapsed;
                if (clock.Elapsed - doneAt >= (settle ?? TimeSpan.Zero))
                {
                    break;
                }
            }

            ConsumeResult<string?, byte[]?>? result;
            try
            {
                result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            }
            catch (ConsumeException ex) when (ex.Error.Code == ErrorCode.UnknownTopicOrPart)
            {
                continue; // not created yet
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                continue; // a fetch error the fault tests inject hits this reader too; it fetches again
            }

            if (result?.Message is not null)
            {
                results.Add(result);
            }
        }

        consumer.Close();
        return results;
    }

    public static string Header(ConsumeResult<string?, byte[]?> result, string name) =>
        result.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : "";
}
