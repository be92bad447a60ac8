using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// Reads the output topic on its own thread for the whole run, keeping each record's id, text, latencyMs
/// and processedAt (first copy of an id wins: at-least-once may redeliver). A separate thread lets the paced
/// producer keep its schedule while records come back.
/// </summary>
internal sealed class EnrichedCollector : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly ConcurrentDictionary<string, EnrichedSample> _records = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public EnrichedCollector(string bootstrapServers, string topic)
    {
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"bench-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            // The embedded broker answers a waiting fetch only at this timeout; the bench's own reader should
            // not add half a second to each phase. (The worker's latencyMs does not depend on it.)
            FetchWaitMaxMs = 10,
        }).SetErrorHandler((_, _) => { }).Build();
        _consumer.Subscribe(topic);
        _loop = Task.Factory.StartNew(Loop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Waits until every id has come back or the time is up; returns the records that did.</summary>
    public async Task<IReadOnlyList<EnrichedSample>> WaitForAsync(IReadOnlyList<string> ids, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !_loop.IsCompleted)
        {
            if (ids.All(_records.ContainsKey))
            {
                break;
            }

            await Task.Delay(50, ct).ConfigureAwait(false);
        }

        return [.. ids.Select(id => _records.GetValueOrDefault(id)).OfType<EnrichedSample>()];
    }

    private void Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            ConsumeResult<byte[]?, byte[]?>? result;
            try
            {
                result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException)
            {
                continue;
            }

            if (result?.Message?.Value is not { } value)
            {
                continue;
            }

            using var json = JsonDocument.Parse(value);
            var root = json.RootElement;
            var sample = new EnrichedSample(
                root.GetProperty("id").GetString() ?? "",
                root.GetProperty("text").GetString() ?? "",
                root.GetProperty("latencyMs").GetDouble(),
                root.GetProperty("processedAt").GetDateTimeOffset());
            _records.TryAdd(sample.Id, sample);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }
}
