using System.Diagnostics;
using System.Globalization;
using StreamNlp.Core.Hashing;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Registry;
using StreamNlp.Training.Data;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Training.Workflows;

/// <summary>
/// Trains a task head of the requested family on the frozen encoder's features, exports it to ONNX, writes it to the
/// registry as a new version with its manifest (family and options, labels, dev metrics, data and file hashes) and, by
/// default, makes it current. Training rows whose text is also in the dev file are left out.
/// </summary>
public sealed class HeadTrainingWorkflow(FeatureExtractor features, EncoderDescriptor encoder)
{
    /// <summary>Set by the caller to hear about dropped train rows; the CLI prints it.</summary>
    public Action<string>? Notice { get; init; }

    /// <exception cref="ArgumentException">The family does not build heads for the task, or its options are invalid.</exception>
    public TrainOutcome Train(TrainRequest request, IProgress<EncodingProgress>? encoding = null, IProgress<EpochReport>? epochs = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var (data, trainCount, devCount) = request.Task == NlpTask.Ner ? ReadSentences(request, encoding) : ReadTexts(request, encoding);
        var head = request.Head.Train(data, epochs, cancellationToken);
        var record = new TrainingRecord
        {
            TrainFile = Path.GetFileName(request.TrainFile),
            TrainSha256 = FileHash.Sha256Of(request.TrainFile),
            DevFile = Path.GetFileName(request.DevFile),
            TrainExamples = trainCount,
            DevExamples = devCount,
            Epochs = head.Epochs.Count,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Settings = new Dictionary<string, string> { ["bestEpoch"] = head.BestEpoch.ToString(CultureInfo.InvariantCulture) },
        };
        return HeadRegistration.Register(new ModelRegistry(request.ModelsRoot), request.Task, encoder, head, record, request.Promote);
    }

    /// <summary>Sentence task: JSONL texts; the labels are the distinct training labels, in ordinal order.</summary>
    private (HeadTrainingData, int, int) ReadTexts(TrainRequest request, IProgress<EncodingProgress>? encoding)
    {
        var dev = LabeledTextReader.Read(request.DevFile);
        var train = DevOverlap.Remove(LabeledTextReader.Read(request.TrainFile), dev, out var overlap);
        ReportOverlap(overlap);
        var labels = train.Select(t => t.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return (HeadTrainingData.ForTexts(request.Task, features, labels, [train], dev, encoding), train.Count, dev.Count);
    }

    /// <summary>NER: CoNLL sentences; the tags are <c>O</c>, then <c>B-X</c>, <c>I-X</c> per entity type of the training data (ordinal order).</summary>
    private (HeadTrainingData, int, int) ReadSentences(TrainRequest request, IProgress<EncodingProgress>? encoding)
    {
        var dev = ConllReader.Read(request.DevFile);
        var train = DevOverlap.Remove(ConllReader.Read(request.TrainFile), dev, out var overlap);
        ReportOverlap(overlap);
        return (HeadTrainingData.ForSentences(features, NerAlignment.TagSetOf(train), [train], dev, encoding), train.Count, dev.Count);
    }

    private void ReportOverlap(int removed)
    {
        if (removed > 0)
        {
            Notice?.Invoke($"left out {removed} training rows whose text is also in the dev file (never train on dev)");
        }
    }
}
