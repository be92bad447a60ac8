using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StreamNlp.Worker.Hosting;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// Collects the worker's own per-window log events (Debug: event 2026 when the inference stage finished a
/// window, event 2009 when the delivery stage did; each with the window's size and the stage's milliseconds)
/// in the bench's process, so the bench can see how long each stage took without changing the worker. Only that event of the worker's category reaches this provider;
/// the console keeps its own level.
/// </summary>
internal sealed class WorkerBatchLog : ILoggerProvider, ILogger
{
    /// <summary>The worker's logger category; the bench routes its Debug events here.</summary>
    public static readonly string Category = typeof(EnrichmentWorker).FullName!;

    /// <summary><c>WorkerLog.BatchDone</c>'s event id (internal to the worker assembly, stable by convention 11).</summary>
    private const int BatchDoneEventId = 2009;

    /// <summary><c>WorkerLog.WindowInferred</c>'s event id.</summary>
    private const int WindowInferredEventId = 2026;

    private readonly ConcurrentQueue<WorkerBatchLogEntry> _entries = new();

    /// <summary>Every window event logged so far, in logging order.</summary>
    public IReadOnlyList<WorkerBatchLogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) =>
        categoryName == Category ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        WorkerStage stage;
        switch (eventId.Id)
        {
            case BatchDoneEventId:
                stage = WorkerStage.Delivery;
                break;
            case WindowInferredEventId:
                stage = WorkerStage.Inference;
                break;
            default:
                return;
        }

        if (state is not IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            return;
        }

        var loggedAt = DateTimeOffset.UtcNow;
        int? count = null;
        double? milliseconds = null;
        foreach (var (key, value) in values)
        {
            switch (key)
            {
                case "Count" when value is int c:
                    count = c;
                    break;
                case "Milliseconds" when value is double m:
                    milliseconds = m;
                    break;
            }
        }

        if (count is { } n && milliseconds is { } ms)
        {
            _entries.Enqueue(new WorkerBatchLogEntry(stage, loggedAt, n, ms));
        }
    }

    public void Dispose()
    {
        // nothing owned
    }
}
