using System.Diagnostics;
using System.Globalization;
using StreamNlp.Core.Hashing;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Ner;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Tokenization;
using StreamNlp.Training.Data;
using StreamNlp.Training.Evaluation;
using StreamNlp.Training.Export;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Reports;

namespace StreamNlp.Training.Workflows;

/// <summary>
/// Trains a task head on the frozen encoder's features, exports it to ONNX, writes it to the
/// registry as a new version with its manifest (labels, dev metrics, data and file hashes) and, by
/// default, makes it current.
/// </summary>
public sealed class HeadTrainingWorkflow(FeatureExtractor features, EncoderDescriptor encoder)
{
    public TrainOutcome Train(TrainRequest request, IProgress<EncodingProgress>? encoding = null, IProgress<EpochReport>? epochs = null, CancellationToken cancellationToken = default) =>
        request.Task == NlpTask.Ner
            ? TrainNer(request, encoding, epochs, cancellationToken)
            : TrainSequence(request, encoding, epochs, cancellationToken);

    private TrainOutcome TrainSequence(TrainRequest request, IProgress<EncodingProgress>? encoding, IProgress<EpochReport>? epochs, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var dev = LabeledTextReader.Read(request.DevFile);
        var train = DevOverlap.Remove(LabeledTextReader.Read(request.TrainFile), dev, out var overlap);
        ReportOverlap(overlap);
        var labels = train.Select(t => t.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (request.Head == HeadKind.Attention)
        {
            return TrainAttention(request, train, dev, labels, clock, encoding, epochs, ct);
        }

        var index = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var devKnown = dev.Where(d => index.ContainsKey(d.Label)).ToList();

        var trainFeatures = features.PooledFeatures([.. train.Select(t => t.Text)], encoding, "encode train");
        var devFeatures = features.PooledFeatures([.. devKnown.Select(t => t.Text)], encoding, "encode dev");
        var hidden = features.HiddenSize;
        var trainSet = new TrainingSet(trainFeatures, hidden, [.. train.Select(t => index[t.Label])], labels.Length);
        var devSet = new TrainingSet(devFeatures, hidden, [.. devKnown.Select(t => index[t.Label])], labels.Length);

        var result = DenseClassifierTrainer.Train(trainSet, devSet, request.Options, null, epochs, ct);
        var predicted = result.Model.Predict(devFeatures, devKnown.Count).Select(p => labels[p]).ToList();
        // Dev rows whose label the model cannot know count as errors, not as absent.
        var unknown = dev.Where(d => !index.ContainsKey(d.Label)).ToList();
        var metrics = ClassificationMetrics.Compute(
            labels,
            [.. devKnown.Select(d => d.Label), .. unknown.Select(d => d.Label)],
            [.. predicted, .. unknown.Select(_ => labels[0])]);

        return Register(request, "mean-pool-" + Describe(request.Options), labels, result.Epochs, result.BestEpoch, clock, train.Count, dev.Count,
            HeadEvaluation.FromClassification(metrics),
            dir => HeadOnnxExporter.ExportSequenceHead(result.Model, hidden, Path.Combine(dir, HeadContract.FileName)));
    }

    private TrainOutcome TrainNer(TrainRequest request, IProgress<EncodingProgress>? encoding, IProgress<EpochReport>? epochs, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var dev = ConllReader.Read(request.DevFile);
        var train = DevOverlap.Remove(ConllReader.Read(request.TrainFile), dev, out var overlap);
        ReportOverlap(overlap);
        if (request.Head == HeadKind.Convolutional)
        {
            return TrainConvolutional(request, train, dev, clock, encoding, epochs, ct);
        }

        var types = train.SelectMany(s => s.Tags).Select(t => BioTagSet.TryParse(t, out _, out var type) ? type : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var tagSet = BioTagSet.FromEntityTypes(types);

        var trainData = NerAlignment.Align(train, features.Tokenizer, tagSet, features, encoding, "encode train");
        var devData = NerAlignment.Align(dev, features.Tokenizer, tagSet, features, encoding, "encode dev");
        var trainSet = new TrainingSet(trainData.Features.Features, trainData.Features.Dimension, trainData.WordLabels, tagSet.Count);
        var devSet = new TrainingSet(devData.Features.Features, devData.Features.Dimension, devData.WordLabels, tagSet.Count);

        var result = DenseClassifierTrainer.Train(
            trainSet, devSet, request.Options, m => NerAlignment.Evaluate(m, devData, dev, tagSet).Overall.F1, epochs, ct);
        var predicted = NerAlignment.PredictTokenTags(result.Model, devData, tagSet);

        return Register(request, "token-" + Describe(request.Options), tagSet.Labels, result.Epochs, result.BestEpoch, clock, train.Count, dev.Count,
            NerEvaluation(dev, predicted, tagSet),
            dir => HeadOnnxExporter.ExportTokenHead(result.Model, features.HiddenSize, TokenShapeFeatures.Count, Path.Combine(dir, HeadContract.FileName)));
    }

    private TrainOutcome TrainAttention(
        TrainRequest request, IReadOnlyList<LabeledText> train, IReadOnlyList<LabeledText> dev, string[] labels, Stopwatch clock,
        IProgress<EncodingProgress>? encoding, IProgress<EpochReport>? epochs, CancellationToken ct)
    {
        var options = request.AttentionOptions ?? new NeuralNetworks.Attention.AttentionSequenceHeadOptions();
        var result = AttentionSequenceTraining.Train(features, train, dev, labels, options, encoding, epochs, ct);
        return Register(request, "attention-" + options.Describe(), labels, result.Epochs, result.BestEpoch, clock, train.Count, dev.Count,
            HeadEvaluation.FromClassification(result.DevMetrics),
            dir => AttentionSequenceHeadExporter.Export(result.Model, features.HiddenSize, Path.Combine(dir, HeadContract.FileName)),
            new Dictionary<string, string>
            {
                ["head"] = "attention",
                ["options"] = options.Describe(),
                ["bestEpoch"] = result.BestEpoch.ToString(CultureInfo.InvariantCulture),
            });
    }

    private TrainOutcome TrainConvolutional(
        TrainRequest request, IReadOnlyList<ConllSentence> train, IReadOnlyList<ConllSentence> dev, Stopwatch clock,
        IProgress<EncodingProgress>? encoding, IProgress<EpochReport>? epochs, CancellationToken ct)
    {
        var options = request.ConvolutionOptions ?? new NeuralNetworks.Convolution.ConvolutionalTokenHeadOptions();
        var outcome = ConvolutionalNerTraining.Train(features, train, dev, options, encoding, epochs, ct);
        var devData = ConvolutionalNerTraining.Prepare(features, dev, outcome.TagSet, null, "encode dev");
        var predicted = ConvolutionalNerTraining.PredictTokenTags(outcome.Model, devData, outcome.TagSet);
        var shape = $"k{string.Join("-", options.KernelSizes)}-c{options.Channels}";
        return Register(request, "cnn-" + shape, outcome.TagSet.Labels, outcome.Epochs, outcome.BestEpoch, clock, train.Count, dev.Count,
            NerEvaluation(dev, predicted, outcome.TagSet),
            dir => ConvolutionalTokenHeadExporter.Export(outcome.Model, features.HiddenSize, TokenShapeFeatures.Count, Path.Combine(dir, HeadContract.FileName)),
            new Dictionary<string, string>
            {
                ["head"] = "cnn",
                ["kernels"] = string.Join(",", options.KernelSizes),
                ["dilations"] = string.Join(",", options.Dilations),
                ["channels"] = options.Channels.ToString(CultureInfo.InvariantCulture),
                ["epochs"] = options.Epochs.ToString(CultureInfo.InvariantCulture),
                ["learningRate"] = options.LearningRate.ToString(CultureInfo.InvariantCulture),
                ["dropout"] = options.Dropout.ToString(CultureInfo.InvariantCulture),
                ["bestEpoch"] = outcome.BestEpoch.ToString(CultureInfo.InvariantCulture),
            });
    }

    /// <summary>Set by the caller to hear about dropped train rows; the CLI prints it.</summary>
    public Action<string>? Notice { get; init; }

    private void ReportOverlap(int removed)
    {
        if (removed > 0)
        {
            Notice?.Invoke($"left out {removed} training rows whose text is also in the dev file (never train on dev)");
        }
    }

    /// <summary>Entity scores and the token-tag confusion of predicted CoNLL tags against gold.</summary>
    public static HeadEvaluation NerEvaluation(IReadOnlyList<ConllSentence> gold, IReadOnlyList<IReadOnlyList<string>> predicted, BioTagSet tagSet) =>
        HeadEvaluation.FromEntities(
            EntityMetrics.FromTags([.. gold.Select(s => s.Tags)], predicted),
            ClassificationMetrics.Compute(tagSet.Labels, [.. gold.SelectMany(s => s.Tags)], [.. predicted.SelectMany(p => p)]));

    /// <summary>Registers a head trained from the request's files (see <see cref="HeadRegistration"/>).</summary>
    public TrainOutcome Register(
        TrainRequest request,
        string kind,
        IReadOnlyList<string> labels,
        IReadOnlyList<EpochReport> epochs,
        int bestEpoch,
        Stopwatch clock,
        int trainCount,
        int devCount,
        HeadEvaluation evaluation,
        Action<string> export,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var record = new TrainingRecord
        {
            TrainFile = Path.GetFileName(request.TrainFile),
            TrainSha256 = FileHash.Sha256Of(request.TrainFile),
            DevFile = Path.GetFileName(request.DevFile),
            TrainExamples = trainCount,
            DevExamples = devCount,
            Epochs = epochs.Count,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Settings = settings ?? Settings(request.Options, bestEpoch),
        };
        return HeadRegistration.Register(
            new ModelRegistry(request.ModelsRoot), request.Task, encoder, kind, labels, epochs, bestEpoch, record, evaluation, export, request.Promote);
    }

    private static string Describe(DenseClassifierOptions options) =>
        options.HiddenSizes.Count(h => h > 0) == 0 ? "softmax" : "mlp-" + string.Join("-", options.HiddenSizes);

    private static Dictionary<string, string> Settings(DenseClassifierOptions o, int bestEpoch) => new()
    {
        ["epochs"] = o.Epochs.ToString(CultureInfo.InvariantCulture),
        ["bestEpoch"] = bestEpoch.ToString(CultureInfo.InvariantCulture),
        ["batchSize"] = o.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["learningRate"] = o.LearningRate.ToString(CultureInfo.InvariantCulture),
        ["weightDecay"] = o.WeightDecay.ToString(CultureInfo.InvariantCulture),
        ["dropout"] = o.Dropout.ToString(CultureInfo.InvariantCulture),
        ["hidden"] = string.Join(",", o.HiddenSizes),
        ["seed"] = o.Seed.ToString(CultureInfo.InvariantCulture),
        ["classWeighting"] = o.ClassWeighting ? "true" : "false",
    };
}
