using StreamNlp.Training.Workflows;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// A one-line progress bar on stderr, redrawn in place on a terminal and printed every 10% when
/// stderr is redirected (logs stay readable). Hand-written: ten lines do not justify a dependency.
/// </summary>
internal sealed class ConsoleProgressBar : IProgress<EncodingProgress>
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private string _stage = "";
    private int _lastDecile = -1;

    public void Report(EncodingProgress value)
    {
        if (value.Stage != _stage)
        {
            _stage = value.Stage;
            _lastDecile = -1;
            _clock.Restart();
        }

        var fraction = value.Total == 0 ? 1 : (double)value.Done / value.Total;
        var filled = (int)(fraction * 30);
        var rate = value.Done / Math.Max(0.001, _clock.Elapsed.TotalSeconds);
        var line = $"{value.Stage,-13} [{new string('#', filled)}{new string('.', 30 - filled)}] {value.Done}/{value.Total} ({rate:0}/s)";
        if (!Console.IsErrorRedirected)
        {
            Console.Error.Write("\r" + line);
            if (value.Done >= value.Total)
            {
                Console.Error.WriteLine();
            }

            return;
        }

        var decile = (int)(fraction * 10);
        if (decile != _lastDecile)
        {
            _lastDecile = decile;
            Console.Error.WriteLine(line);
        }
    }
}
