using StreamNlp.Core.Tasks;
using StreamNlp.Models.Tokenization;
using StreamNlp.Training.Export;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Reports;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Training.HeadFamilies.Dense;

/// <summary>
/// <c>dense</c>: softmax regression, or an MLP with <see cref="DenseClassifierOptions.HiddenSizes"/>, over fixed-size
/// vectors: the masked mean of the encoder states for sentence tasks (<c>mean-pool</c> graph), each word's first
/// sub-token state plus its casing features for NER (<c>token</c> graph, BIO Viterbi over words).
/// </summary>
public sealed class DenseHeadFamily : HeadFamily<DenseClassifierOptions, DenseClassifier>
{
    /// <summary>The family's name.</summary>
    public const string FamilyName = "dense";

    public DenseHeadFamily()
        : base(FamilyName, "mean-pooled vectors (sentence tasks) or per-word vectors + casing features (ner) into softmax regression or an MLP (hiddenSizes)", "softmax", "mlp")
    {
    }

    public override bool Supports(NlpTask task) => true;

    protected override string Describe(DenseClassifierOptions options) =>
        (options.HiddenSizes.Count(h => h > 0) == 0 ? "softmax" : "mlp-" + string.Join("-", options.HiddenSizes))
        + (options.EncoderLayers.Count == 0 ? string.Empty : " layers-" + string.Join(".", options.EncoderLayers));

    protected override (HeadTrainingResult<DenseClassifier> Result, HeadEvaluation Evaluation) Train(
        HeadTrainingData data, DenseClassifierOptions options, IProgress<EpochReport>? epochs, CancellationToken cancellationToken) =>
        data.Task == NlpTask.Ner ? TrainTokens(data, options, epochs, cancellationToken) : TrainPooled(data, options, epochs, cancellationToken);

    protected override void Export(DenseClassifier model, TrainedHead head, string onnxPath)
    {
        if (head.Task == NlpTask.Ner)
        {
            HeadOnnxExporter.ExportTokenHead(model, head.HiddenSize, TokenShapeFeatures.Count, onnxPath);
        }
        else
        {
            var layers = ((DenseClassifierOptions)head.Head.Options).EncoderLayers;
            HeadOnnxExporter.ExportSequenceHead(model, head.HiddenSize, onnxPath, layers, layers.Count == 0 ? 0 : layers.Max());
        }
    }

    private static (HeadTrainingResult<DenseClassifier>, HeadEvaluation) TrainPooled(
        HeadTrainingData data, DenseClassifierOptions options, IProgress<EpochReport>? epochs, CancellationToken cancellationToken)
    {
        var index = data.LabelIndex();
        var features = data.Features;
        var layers = options.EncoderLayers;
        if (layers.Count > 0 && !layers.Contains(features.Blocks))
        {
            throw new ArgumentException(
                $"EncoderLayers must include the last layer ({features.Blocks}, last_hidden_state), which every head reads; got {string.Join(", ", layers)}.");
        }

        var width = features.HiddenSize * Math.Max(1, layers.Count);
        var parts = data.TextParts.Where(p => p.Count > 0).ToList();
        var trainFeatures = ArrayConcatenation.Concatenate([.. parts.Select(p => features.PooledFeatures([.. p.Select(t => t.Text)], layers, data.Encoding, "encode train"))]);
        var devKnown = data.DevTexts.Where(d => index.ContainsKey(d.Label)).ToList();
        var devFeatures = devKnown.Count == 0 ? [] : features.PooledFeatures([.. devKnown.Select(t => t.Text)], layers, data.Encoding, "encode dev");
        var trainSet = new TrainingSet(trainFeatures, width, [.. parts.SelectMany(p => p).Select(t => index[t.Label])], index.Count);
        var devSet = devKnown.Count == 0 ? null : new TrainingSet(devFeatures, width, [.. devKnown.Select(t => index[t.Label])], index.Count);

        var result = DenseClassifierTrainer.Train(trainSet, devSet, options, null, epochs, cancellationToken);
        var predicted = devKnown.Count == 0 ? [] : result.Model.Predict(devFeatures, devKnown.Count).Select(p => data.Labels[p]).ToList();
        return (result, DevScoring.Classification(data.Labels, data.DevTexts, predicted));
    }

    private static (HeadTrainingResult<DenseClassifier>, HeadEvaluation) TrainTokens(
        HeadTrainingData data, DenseClassifierOptions options, IProgress<EpochReport>? epochs, CancellationToken cancellationToken)
    {
        if (options.EncoderLayers.Count > 0)
        {
            throw new ArgumentException("EncoderLayers applies to sentence tasks only; a dense ner head reads the last layer's word vectors.");
        }

        var tagSet = data.TagSet;
        var features = data.Features;
        var dimension = features.HiddenSize + TokenShapeFeatures.Count;
        var parts = data.SentenceParts
            .Where(p => p.Count > 0)
            .Select(p => NerAlignment.Align(p, features.Tokenizer, tagSet, features, data.Encoding, "encode train"))
            .ToList();
        var trainSet = new TrainingSet(
            ArrayConcatenation.Concatenate([.. parts.Select(p => p.Features.Features)]),
            dimension,
            ArrayConcatenation.Concatenate([.. parts.Select(p => p.WordLabels)]),
            tagSet.Count);
        var dev = data.DevSentences;
        var devData = dev.Count == 0 ? null : NerAlignment.Align(dev, features.Tokenizer, tagSet, features, data.Encoding, "encode dev");
        var devSet = devData is null ? null : new TrainingSet(devData.Features.Features, dimension, devData.WordLabels, tagSet.Count);
        Func<DenseClassifier, double>? devMetric = devData is null ? null : m => NerAlignment.Evaluate(m, devData, dev, tagSet).Overall.F1;

        var result = DenseClassifierTrainer.Train(trainSet, devSet, options, devMetric, epochs, cancellationToken);
        var predicted = devData is null ? [] : NerAlignment.PredictTokenTags(result.Model, devData, tagSet);
        return (result, DevScoring.Entities(dev, predicted, tagSet));
    }
}
