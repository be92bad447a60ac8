using StreamNlp.Training.EncoderAdaptation;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// The progress of <c>streamnlp train encoder</c> on stderr: steps done, recent loss, time so far and the estimate of
/// the time left; redrawn in place on a terminal, printed every 2% when stderr is redirected.
/// </summary>
internal sealed class AdaptationProgressBar : IProgress<AdaptationProgress>
{
    private int _lastShown = -1;

    public void Report(AdaptationProgress value)
    {
        var fraction = value.TotalSteps == 0 ? 1 : (double)value.Step / value.TotalSteps;
        var filled = (int)(fraction * 30);
        var line = $"epoch {value.Epoch} [{new string('#', filled)}{new string('.', 30 - filled)}] step {value.Step}/{value.TotalSteps}  loss {value.RecentLoss:0.000}  " +
            $"{Format(value.Elapsed)} elapsed, about {Format(value.Remaining)} left";
        if (!Console.IsErrorRedirected)
        {
            Console.Error.Write("\r" + line + "   ");
            if (value.Step >= value.TotalSteps)
            {
                Console.Error.WriteLine();
            }

            return;
        }

        var shown = (int)(fraction * 50);
        if (shown != _lastShown)
        {
            _lastShown = shown;
            Console.Error.WriteLine(line);
        }
    }

    private static string Format(TimeSpan time) => time.TotalHours >= 1 ? $"{(int)time.TotalHours}h{time.Minutes:00}m" : $"{time.Minutes}m{time.Seconds:00}s";
}
