using StreamNlp.Core.Tasks;
using StreamNlp.Models.Tokenization;
using StreamNlp.Training.Export;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Convolution;
using StreamNlp.Training.Reports;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Training.HeadFamilies.Convolution;

/// <summary>
/// <c>cnn</c> (NER): 1-D convolutions over the encoder states and casing features of every position
/// (<see cref="ConvolutionalTokenHead"/>), each word read at its first sub-token, BIO Viterbi over words.
/// </summary>
public sealed class ConvolutionalHeadFamily : HeadFamily<ConvolutionalTokenHeadOptions, ConvolutionalTokenHead>
{
    /// <summary>The family's name.</summary>
    public const string FamilyName = "cnn";

    public ConvolutionalHeadFamily()
        : base(FamilyName, "ner: 1-D convolutions (kernelSizes, channels) over the token states and casing features", "convolutional")
    {
    }

    public override bool Supports(NlpTask task) => task == NlpTask.Ner;

    protected override string Describe(ConvolutionalTokenHeadOptions options) => $"k{string.Join("-", options.KernelSizes)}-c{options.Channels}";

    protected override (HeadTrainingResult<ConvolutionalTokenHead> Result, HeadEvaluation Evaluation) Train(
        HeadTrainingData data, ConvolutionalTokenHeadOptions options, IProgress<EpochReport>? epochs, CancellationToken cancellationToken)
    {
        var tagSet = data.TagSet;
        var features = data.Features;
        var parts = data.SentenceParts
            .Where(p => p.Count > 0)
            .Select(p => ConvolutionalNerAlignment.Prepare(features, p, tagSet, data.Encoding, "encode train").Set)
            .ToList();
        var trainSet = new TokenSequenceSet(
            TokenStates.Concatenate([.. parts.Select(p => p.States)]), ArrayConcatenation.Concatenate([.. parts.Select(p => p.Labels)]), tagSet.Count);
        var dev = data.DevSentences;
        var devData = dev.Count == 0 ? null : ConvolutionalNerAlignment.Prepare(features, dev, tagSet, data.Encoding, "encode dev");
        Func<ConvolutionalTokenHead, double>? devMetric = devData is null ? null : m => ConvolutionalNerAlignment.Evaluate(m, devData, dev, tagSet).Overall.F1;

        var result = ConvolutionalTokenHeadTrainer.Train(trainSet, devData?.Set, options, devMetric, epochs, cancellationToken);
        var predicted = devData is null ? [] : ConvolutionalNerAlignment.PredictTokenTags(result.Model, devData, tagSet);
        return (result, DevScoring.Entities(dev, predicted, tagSet));
    }

    protected override void Export(ConvolutionalTokenHead model, TrainedHead head, string onnxPath) =>
        ConvolutionalTokenHeadExporter.Export(model, head.HiddenSize, TokenShapeFeatures.Count, onnxPath);
}
