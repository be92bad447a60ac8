using System.Diagnostics;

namespace StreamNlp.Worker.Telemetry;

/// <summary>A span made <see cref="Activity.Current"/> for a scope; disposing restores the one before.</summary>
public readonly struct AmbientSpan : IDisposable
{
    private readonly Activity? _previous;

    public AmbientSpan(Activity? span)
    {
        _previous = Activity.Current;
        Activity.Current = span;
    }

    public void Dispose() => Activity.Current = _previous;
}
