namespace StreamNlp.Core.Tasks;

/// <summary>The lower-case names used for tasks on the command line, in folders and in JSON.</summary>
public static class NlpTaskNames
{
    public static string ToName(this NlpTask task) => task switch
    {
        NlpTask.Classification => "classification",
        NlpTask.Sentiment => "sentiment",
        NlpTask.Ner => "ner",
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task."),
    };

    public static bool TryParse(string? name, out NlpTask task)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "classification" or "topic": task = NlpTask.Classification; return true;
            case "sentiment": task = NlpTask.Sentiment; return true;
            case "ner" or "entities": task = NlpTask.Ner; return true;
            default: task = default; return false;
        }
    }

    public static NlpTask Parse(string name) => TryParse(name, out var task)
        ? task
        : throw new ArgumentException($"Unknown task '{name}'. Expected classification, sentiment or ner.", nameof(name));

    public static IReadOnlyList<NlpTask> All { get; } = [NlpTask.Classification, NlpTask.Sentiment, NlpTask.Ner];
}
