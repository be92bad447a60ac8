using StreamNlp.Core.Tasks;
using StreamNlp.Retrainer.Configuration;
using StreamNlp.Training.Data;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Retrainer.Challengers;

/// <summary>The base training and dev data of a sequence task, when configured.</summary>
public sealed record BaseData(IReadOnlyList<LabeledText> Train, IReadOnlyList<LabeledText> Dev, string TrainFile)
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

    public static BaseData? LoadSequence(NlpTask task, RetrainerOptions options)
    {
        if (FilesFor(task, options) is not { } files)
        {
            return null;
        }

        foreach (var file in new[] { files.Train, files.Dev })
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"StreamNlp:Retrainer base data for {task.ToName()} not found: {file}", file);
            }
        }

        var dev = LabeledTextReader.Read(files.Dev);
        return new BaseData(DevOverlap.Remove(LabeledTextReader.Read(files.Train), dev, out _), dev, files.Train);
    }
}
