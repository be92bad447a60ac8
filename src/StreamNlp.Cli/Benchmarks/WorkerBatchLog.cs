using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StreamNlp.Worker.Hosting;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// Collects the worker's own per-batch log event (event 2009, Debug: count, padded tokens, milliseconds of
/// enrich + deliver) in the bench's process, so the bench can see the batches the worker formed and how long
/// each took without changing the worker. Only that event of the worker's category reaches this provider;
/// the console keeps its own level.
/// </summary>
internal sealed class WorkerBatchLog : ILoggerProvider, ILogger
{
    /// <summary>The worker's logger category; the bench routes its Debug events here.</summary>
    public static readonly string Category = typeof(EnrichmentWorker).FullName!;

    /// <summary><c>WorkerLog.BatchDone</c>'s event id (internal to the worker assembly, stable by convention 11).</summary>
    private const int BatchDoneEventId = 2009;

    private readonly ConcurrentQueue<WorkerBatchLogEntry> _entries = new();

    /// <summary>Every batch logged so far, in logging order.</summary>
    public IReadOnlyList<WorkerBatchLogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) =>
        categoryName == Category ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id != BatchDoneEventId || state is not IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            return;
        }

        var loggedAt = DateTimeOffset.UtcNow;
        int? count = null, tokens = null;
        double? milliseconds = null;
        foreach (var (key, value) in values)
        {
            switch (key)
            {
                case "Count" when value is int c:
                    count = c;
                    break;
                case "Tokens" when value is int t:
                    tokens = t;
                    break;
                case "Milliseconds" when value is double m:
                    milliseconds = m;
                    break;
            }
        }

        if (count is { } n && tokens is { } padded && milliseconds is { } ms)
        {
            _entries.Enqueue(new WorkerBatchLogEntry(loggedAt, n, padded, ms));
        }
    }

    public void Dispose()
    {
        // nothing owned
    }
}
