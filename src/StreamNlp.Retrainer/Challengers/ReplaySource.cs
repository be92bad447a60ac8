using StreamNlp.Core.Tasks;
using StreamNlp.Models.Registry;
using StreamNlp.Retrainer.Configuration;
using StreamNlp.Training.Replay;

namespace StreamNlp.Retrainer.Challengers;

/// <summary>
/// The base data a retraining round replays: drawn from the configured base data files when
/// <c>--base-data</c> / <c>StreamNlp:Retrainer:BaseData</c> name them (an override), else the replay set the champion
/// carries in its version folder (the shipped models carry theirs); null when there is neither.
/// </summary>
public static class ReplaySource
{
    public static ReplaySet? For(NlpTask task, RetrainerOptions options, string championDirectory, HeadManifest championManifest)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (BaseData.FilesFor(task, options) is { } files)
        {
            return ReplaySet.Sample(task, files.Train, files.Dev, options.ReplayTrainRows, options.ReplayDevRows);
        }

        return ReplaySet.Load(championDirectory, championManifest, task);
    }
}
