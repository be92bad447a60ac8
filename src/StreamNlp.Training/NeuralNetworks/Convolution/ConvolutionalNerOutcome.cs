using StreamNlp.Models.Ner;
using StreamNlp.Training.Evaluation;

namespace StreamNlp.Training.NeuralNetworks.Convolution;

/// <summary>What <see cref="Workflows.ConvolutionalNerTraining.Train"/> produced.</summary>
/// <param name="Model">The head of <paramref name="BestEpoch"/>.</param>
/// <param name="TagSet">The BIO tags, in the order of the head's output.</param>
/// <param name="DevMetrics">Entity precision/recall/F1 of <paramref name="Model"/> on the dev sentences (CoNLL tokens, Viterbi-decoded).</param>
/// <param name="Epochs">One report per epoch run.</param>
/// <param name="BestEpoch">The epoch with the best dev entity F1.</param>
/// <param name="TrainSentences">Training sentences used.</param>
/// <param name="DevSentences">Dev sentences scored.</param>
public sealed record ConvolutionalNerOutcome(
    ConvolutionalTokenHead Model,
    BioTagSet TagSet,
    EntityMetrics DevMetrics,
    IReadOnlyList<EpochReport> Epochs,
    int BestEpoch,
    int TrainSentences,
    int DevSentences);
