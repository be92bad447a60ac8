using StreamNlp.Core.Tasks;
using StreamNlp.Retrainer.Configuration;

namespace StreamNlp.Retrainer.Challengers;

/// <summary>Where the configured base data files of a task are (<c>--base-data</c>, <c>StreamNlp:Retrainer:BaseData</c>): an override of the champion's replay set.</summary>
public static class BaseData
{
    private static readonly Dictionary<NlpTask, (string Train, string Dev)> Layout = new()
    {
        [NlpTask.Classification] = ("topic/agnews/train.jsonl", "topic/agnews/dev.jsonl"),
        [NlpTask.Sentiment] = ("sentiment/sst2/train.jsonl", "sentiment/sst2/dev.jsonl"),
        [NlpTask.Ner] = ("ner/conll2003/train.txt", "ner/conll2003/valid.txt"),
    };

    /// <summary>The configured files of a task: <c>BaseData:&lt;task&gt;</c>, else from <c>BaseDataDirectory</c>; null when neither exists.</summary>
    public static (string Train, string Dev)? FilesFor(NlpTask task, RetrainerOptions options)
    {
        if (options.BaseData.TryGetValue(task.ToName(), out var configured) && configured.Train is { } train && configured.Dev is { } dev)
        {
            return (train, dev);
        }

        if (options.BaseDataDirectory is { } root && Layout.TryGetValue(task, out var layout))
        {
            var files = (Path.Combine(root, layout.Train), Path.Combine(root, layout.Dev));
            return File.Exists(files.Item1) && File.Exists(files.Item2) ? files : null;
        }

        return null;
    }
}
