using Microsoft.Extensions.Logging;

namespace StreamNlp.UnitTests.Logging;

/// <summary>Keeps every formatted log line (and the values of its structured state), so tests can count and read them.</summary>
public sealed class CapturingLogger : ILogger
{
    private readonly List<(LogLevel Level, string Message)> _lines = [];
    private readonly List<string> _values = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Every structured value of every line, as text (what a structured sink would write besides the message).</summary>
    public IReadOnlyList<string> Values
    {
        get
        {
            lock (_lines)
            {
                return [.. _values];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
        {
            _lines.Add((logLevel, formatter(state, exception)));
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                _values.AddRange(pairs.Select(p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
            }
        }
    }
}
