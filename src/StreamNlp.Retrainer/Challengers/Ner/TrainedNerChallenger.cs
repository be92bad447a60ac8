using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Reports;

namespace StreamNlp.Retrainer.Challengers.Ner;

/// <summary>A trained NER challenger, ready to register: its kind, tag labels (output order), history, dev evaluation and ONNX export.</summary>
public sealed record TrainedNerChallenger(
    string Kind, IReadOnlyList<string> Labels, IReadOnlyList<EpochReport> Epochs, int BestEpoch, HeadEvaluation Evaluation, Action<string> Export);
