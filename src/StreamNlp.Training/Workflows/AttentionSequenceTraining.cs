using StreamNlp.Training.Data;
using StreamNlp.Training.Evaluation;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;

namespace StreamNlp.Training.Workflows;

/// <summary>
/// Trains an <see cref="AttentionSequenceHead"/> for a sentence-level task (topic, sentiment) on the frozen
/// encoder's per-position states (<see cref="FeatureExtractor.TokenStates"/>, cached on disk) and scores it on the
/// dev texts. Export with <see cref="Export.AttentionSequenceHeadExporter"/>.
/// </summary>
public static class AttentionSequenceTraining
{
    /// <summary>Encodes the texts, trains with early stopping on dev accuracy and returns the best head with its dev metrics.</summary>
    /// <param name="features">Runs (or reads from its cache) the encoder.</param>
    /// <param name="train">Training texts; every label must be in <paramref name="labels"/>.</param>
    /// <param name="dev">Dev texts, never trained on; rows with an unknown label are left out of early stopping and
    /// count as errors in the metrics.</param>
    /// <param name="labels">The model's labels, in output order (e.g. the distinct training labels, sorted).</param>
    /// <param name="options">Head shape and training settings.</param>
    /// <param name="encoding">Receives encoder progress.</param>
    /// <param name="epochs">Receives each epoch's report.</param>
    /// <param name="cancellationToken">Checked between mini-batches.</param>
    /// <exception cref="ArgumentException">Fewer than two labels, a repeated label, no training texts, or a training label not in <paramref name="labels"/>.</exception>
    public static AttentionSequenceTrainingResult Train(
        FeatureExtractor features,
        IReadOnlyList<LabeledText> train,
        IReadOnlyList<LabeledText> dev,
        IReadOnlyList<string> labels,
        AttentionSequenceHeadOptions options,
        IProgress<EncodingProgress>? encoding = null,
        IProgress<EpochReport>? epochs = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (labels.Count < 2)
        {
            throw new ArgumentException($"A classifier needs at least two labels, got {labels.Count}.", nameof(labels));
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            if (!index.TryAdd(label, index.Count))
            {
                throw new ArgumentException($"The label '{label}' appears twice.", nameof(labels));
            }
        }

        if (train.Count == 0)
        {
            throw new ArgumentException("There are no training texts.", nameof(train));
        }

        var unknownTrain = train.FirstOrDefault(t => !index.ContainsKey(t.Label));
        if (unknownTrain is not null)
        {
            throw new ArgumentException($"The training label '{unknownTrain.Label}' is not among the labels.", nameof(train));
        }

        var devKnown = dev.Where(d => index.ContainsKey(d.Label)).ToList();
        var trainSet = new SequenceSet(
            features.TokenStates([.. train.Select(t => t.Text)], encoding, "encode train"), [.. train.Select(t => index[t.Label])], labels.Count);
        var devSet = devKnown.Count == 0
            ? null
            : new SequenceSet(features.TokenStates([.. devKnown.Select(t => t.Text)], encoding, "encode dev"), [.. devKnown.Select(t => index[t.Label])], labels.Count);

        var result = AttentionSequenceHeadTrainer.Train(trainSet, devSet, options, null, epochs, cancellationToken);
        var predicted = devSet is null ? [] : result.Model.Predict(devSet).Select(p => labels[p]).ToList();
        // Dev rows whose label the model cannot know count as errors, not as absent.
        var unknown = dev.Where(d => !index.ContainsKey(d.Label)).ToList();
        var metrics = ClassificationMetrics.Compute(
            labels,
            [.. devKnown.Select(d => d.Label), .. unknown.Select(d => d.Label)],
            [.. predicted, .. unknown.Select(_ => labels[0])]);
        return new AttentionSequenceTrainingResult(result.Model, [.. labels], metrics, result.Epochs, result.BestEpoch);
    }
}
