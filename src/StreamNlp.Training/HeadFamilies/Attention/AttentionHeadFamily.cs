using StreamNlp.Core.Tasks;
using StreamNlp.Training.Export;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;
using StreamNlp.Training.Reports;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Training.HeadFamilies.Attention;

/// <summary>
/// <c>attention</c> (sentence tasks): a per-token projection, learned attention pooling with mean and max pooling over
/// the encoder states, then an MLP (<see cref="AttentionSequenceHead"/>).
/// </summary>
public sealed class AttentionHeadFamily : HeadFamily<AttentionSequenceHeadOptions, AttentionSequenceHead>
{
    /// <summary>The family's name.</summary>
    public const string FamilyName = "attention";

    public AttentionHeadFamily()
        : base(FamilyName, "sentence tasks: per-token projection, attention pooling with mean and max pooling, MLP")
    {
    }

    public override bool Supports(NlpTask task) => task != NlpTask.Ner;

    protected override string Describe(AttentionSequenceHeadOptions options) => options.Describe();

    protected override (HeadTrainingResult<AttentionSequenceHead> Result, HeadEvaluation Evaluation) Train(
        HeadTrainingData data, AttentionSequenceHeadOptions options, IProgress<EpochReport>? epochs, CancellationToken cancellationToken)
    {
        var index = data.LabelIndex();
        var features = data.Features;
        var parts = data.TextParts.Where(p => p.Count > 0).ToList();
        var trainSet = new SequenceSet(
            TokenStates.Concatenate([.. parts.Select(p => features.TokenStates([.. p.Select(t => t.Text)], data.Encoding, "encode train"))]),
            [.. parts.SelectMany(p => p).Select(t => index[t.Label])],
            index.Count);
        var devKnown = data.DevTexts.Where(d => index.ContainsKey(d.Label)).ToList();
        var devSet = devKnown.Count == 0
            ? null
            : new SequenceSet(features.TokenStates([.. devKnown.Select(t => t.Text)], data.Encoding, "encode dev"), [.. devKnown.Select(t => index[t.Label])], index.Count);

        var result = AttentionSequenceHeadTrainer.Train(trainSet, devSet, options, null, epochs, cancellationToken);
        var predicted = devSet is null ? [] : result.Model.Predict(devSet).Select(p => data.Labels[p]).ToList();
        return (result, DevScoring.Classification(data.Labels, data.DevTexts, predicted));
    }

    protected override void Export(AttentionSequenceHead model, TrainedHead head, string onnxPath) =>
        AttentionSequenceHeadExporter.Export(model, head.HiddenSize, onnxPath);
}
