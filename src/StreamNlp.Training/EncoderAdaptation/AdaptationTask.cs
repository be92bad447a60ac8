using StreamNlp.Training.Workflows;

namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>
/// One task the top blocks are adapted on: the frozen bottom's states of its texts and their labels. A sentence task
/// labels each text (a mean-pooled linear head reads the adapted output); a token task labels positions (packed rows
/// of <see cref="TokenStates.Offsets"/>; −1 = not scored, e.g. a word's later sub-tokens), read by a linear head.
/// </summary>
public sealed record AdaptationTask(
    string Name,
    AdaptationTaskKind Kind,
    IReadOnlyList<string> Labels,
    TokenStates Train,
    int[] TrainLabels,
    TokenStates Dev,
    int[] DevLabels)
{
    /// <summary>Further labelled sets scored with this task's head (e.g. review domains for sentiment): out of domain.</summary>
    public IReadOnlyList<AdaptationEvaluationSet> OutOfDomain { get; init; } = [];
}
