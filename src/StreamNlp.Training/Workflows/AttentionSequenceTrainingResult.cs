using StreamNlp.Training.Evaluation;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;

namespace StreamNlp.Training.Workflows;

/// <summary>The outcome of <see cref="AttentionSequenceTraining.Train"/>.</summary>
/// <param name="Model">The head with the weights of <paramref name="BestEpoch"/>.</param>
/// <param name="Labels">The model's labels, in output order.</param>
/// <param name="DevMetrics">The model's dev metrics; dev rows with a label outside <paramref name="Labels"/> count as errors.</param>
/// <param name="Epochs">One report per epoch run, in order.</param>
/// <param name="BestEpoch">The epoch whose weights were kept.</param>
public sealed record AttentionSequenceTrainingResult(
    AttentionSequenceHead Model,
    IReadOnlyList<string> Labels,
    ClassificationMetrics DevMetrics,
    IReadOnlyList<EpochReport> Epochs,
    int BestEpoch);
