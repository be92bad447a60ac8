using StreamNlp.Core.Tasks;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Reports;

namespace StreamNlp.Training.HeadFamilies;

/// <summary>A head a family trained, ready to export and register.</summary>
/// <param name="Head">The family and the options it was trained with.</param>
/// <param name="Task">The task it serves.</param>
/// <param name="Model">The family's network with the weights of <paramref name="BestEpoch"/>; only its family reads it.</param>
/// <param name="HiddenSize">The width of the encoder states the head reads.</param>
/// <param name="Labels">Its labels in output order (BIO tags for NER).</param>
/// <param name="Epochs">One report per epoch run.</param>
/// <param name="BestEpoch">The epoch whose weights were kept.</param>
/// <param name="Evaluation">Its dev evaluation.</param>
public sealed record TrainedHead(
    HeadChoice Head,
    NlpTask Task,
    object Model,
    int HiddenSize,
    IReadOnlyList<string> Labels,
    IReadOnlyList<EpochReport> Epochs,
    int BestEpoch,
    HeadEvaluation Evaluation)
{
    /// <summary>Writes the head's ONNX graph (through its family).</summary>
    public void ExportOnnx(string onnxPath) => Head.Family.Export(this, onnxPath);
}
