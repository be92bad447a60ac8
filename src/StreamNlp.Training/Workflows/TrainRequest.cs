using StreamNlp.Core.Tasks;
using StreamNlp.Training.HeadFamilies;

namespace StreamNlp.Training.Workflows;

/// <summary>What to train: a task, its data files, where the registry is, and the head family with its options.</summary>
public sealed record TrainRequest(
    NlpTask Task,
    string TrainFile,
    string DevFile,
    string ModelsRoot,
    HeadChoice Head,
    bool Promote = true);
