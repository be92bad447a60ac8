using StreamNlp.Core.Tasks;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Training.Workflows;

/// <summary>What to train: a task, its data files, where the registry is, and the trainer settings.</summary>
public sealed record TrainRequest(
    NlpTask Task,
    string TrainFile,
    string DevFile,
    string ModelsRoot,
    DenseClassifierOptions Options,
    bool Promote = true,
    HeadKind Head = HeadKind.Dense,
    NeuralNetworks.Attention.AttentionSequenceHeadOptions? AttentionOptions = null,
    NeuralNetworks.Convolution.ConvolutionalTokenHeadOptions? ConvolutionOptions = null);
