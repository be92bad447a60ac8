using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StreamNlp.Core.Hashing;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Retrainer.Configuration;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Training.Data;
using StreamNlp.Training.Evaluation;
using StreamNlp.Training.Export;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Reports;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Retrainer.Challengers;

/// <summary>
/// One retraining round for a task: split the stored feedback into train and held-out parts (by a
/// hash of the text, so an example stays on its side across rounds), train a challenger on the base
/// training data plus the feedback, register it as a new (not yet current) version, score champion
/// and challenger through their ONNX graphs on the held-out feedback and the base dev data, and let
/// the <see cref="PromotionGate"/> decide. Promotion switches the registry's <c>current</c>.
/// </summary>
public sealed class ChallengeRunner(
    ModelRegistry registry,
    FeatureExtractor features,
    EncoderDescriptor encoder,
    RetrainerOptions options,
    InferenceSettings inference,
    TimeProvider time)
{
    private static readonly DenseClassifierOptions TrainerOptions = new()
    {
        Epochs = 30,
        LearningRate = 0.005f,
        Patience = 5,
        Seed = 42,
    };

    public ChallengeResult Run(NlpTask task, IReadOnlyList<StoredFeedback> feedback, CancellationToken cancellationToken)
    {
        if (task == NlpTask.Ner)
        {
            return new NerChallenge(registry, features, encoder, options, inference, time, IsHoldout).Run(feedback, cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        var started = time.GetUtcNow();
        var championVersion = registry.CurrentVersion(task)
            ?? throw new ModelIntegrityException($"No current {task.ToName()} model in {registry.TaskDirectory(task)}.");
        var championManifest = registry.Verify(task, championVersion, encoder.ModelSha256);

        var examples = feedback.Select(f => new LabeledText(f.Example.Text, f.Example.Label!)).ToList();
        var holdout = examples.Where(e => IsHoldout(e.Text)).ToList();
        var feedbackTrain = examples.Where(e => !IsHoldout(e.Text)).ToList();
        var baseData = BaseData.LoadSequence(task, options);
        if (baseData is not null)
        {
            feedbackTrain = [.. DevOverlap.Remove(feedbackTrain, baseData.Dev, out _)]; // never train on dev
        }

        // Labels: the champion's, in its order, then any new ones the feedback (or base data) brings.
        var labels = championManifest.Labels
            .Concat((baseData?.Train ?? []).Select(t => t.Label).Concat(feedbackTrain.Select(t => t.Label)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        var index = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);

        var hidden = features.HiddenSize;
        var baseTrain = baseData?.Train ?? [];
        var devTexts = (baseData?.Dev ?? holdout).Where(d => index.ContainsKey(d.Label)).ToList();
        var trained = (championManifest.Kind ?? "").StartsWith("attention-", StringComparison.Ordinal)
            ? TrainAttention([.. baseTrain, .. feedbackTrain], devTexts, labels, cancellationToken)
            : TrainDense(championManifest.Kind ?? "", baseTrain, feedbackTrain, devTexts, labels, index, cancellationToken);

        // Score both models through ONNX on the same cached states.
        var holdoutStates = features.TokenStates([.. holdout.Select(h => h.Text)]);
        var baseDevStates = baseData is null ? null : features.TokenStates([.. baseData.Dev.Select(d => d.Text)]);
        var training = RetrainRecord.Create(
            baseData?.TrainFile, baseTrain.Count, feedbackTrain.Count, holdout.Count, devTexts.Count,
            trained.Epochs.Count, trained.BestEpoch, championVersion, clock.Elapsed);

        var outcome = HeadRegistration.Register(
            registry, task, encoder, trained.Kind, labels, trained.Epochs, trained.BestEpoch, training, trained.Evaluation, trained.Export, promote: false);

        var sessions = new SessionFactory(inference);
        using var championHead = new TaskHead(task, registry.VersionDirectory(task, championVersion), championManifest, sessions);
        using var challengerHead = new TaskHead(task, outcome.VersionDirectory, outcome.Manifest, sessions);
        var championCard = Score(championHead, holdout, holdoutStates, baseData?.Dev, baseDevStates);
        var challengerCard = Score(challengerHead, holdout, holdoutStates, baseData?.Dev, baseDevStates);
        var decision = new PromotionGate(options).Decide(championCard, challengerCard);
        if (decision.Promote)
        {
            registry.Promote(task, outcome.Manifest.Version, encoder.ModelSha256);
        }

        var run = new RetrainRun(
            task, started, time.GetUtcNow(), examples.Count, championVersion, outcome.Manifest.Version,
            championCard.ToMetrics(), challengerCard.ToMetrics(),
            decision.Promote ? RetrainDecisions.Promoted : RetrainDecisions.Rejected, decision.Reason);
        return new ChallengeResult(run, decision, outcome.Manifest, championVersion);
    }

    /// <summary>A trained challenger, ready to register: its kind, history, dev evaluation and ONNX export.</summary>
    private sealed record TrainedChallenger(string Kind, IReadOnlyList<EpochReport> Epochs, int BestEpoch, HeadEvaluation Evaluation, Action<string> Export);

    /// <summary>Same family as the champion: mean-pooled vectors into softmax regression or an MLP of the champion's width.</summary>
    private TrainedChallenger TrainDense(
        string championKind, IReadOnlyList<LabeledText> baseTrain, IReadOnlyList<LabeledText> feedbackTrain, IReadOnlyList<LabeledText> devTexts,
        string[] labels, Dictionary<string, int> index, CancellationToken cancellationToken)
    {
        var hiddenSizes = championKind.StartsWith("mean-pool-mlp-", StringComparison.Ordinal)
            ? championKind["mean-pool-mlp-".Length..].Split('-').Select(h => int.Parse(h, CultureInfo.InvariantCulture)).ToArray()
            : [];
        var trainerOptions = hiddenSizes.Length == 0 ? TrainerOptions : TrainerOptions with { HiddenSizes = hiddenSizes, LearningRate = 0.001f, Dropout = 0.2f };
        var hidden = features.HiddenSize;
        // Base features are cached on disk by text set; only the feedback is encoded afresh.
        var trainFeatures = baseTrain.Count == 0 ? [] : features.PooledFeatures([.. baseTrain.Select(t => t.Text)]);
        var feedbackFeatures = features.PooledFeatures([.. feedbackTrain.Select(t => t.Text)]);
        var trainSet = new TrainingSet(
            [.. trainFeatures, .. feedbackFeatures],
            hidden,
            [.. baseTrain.Select(t => index[t.Label]), .. feedbackTrain.Select(t => index[t.Label])],
            labels.Length);
        var devFeatures = devTexts.Count == 0 ? [] : features.PooledFeatures([.. devTexts.Select(t => t.Text)]);
        var devSet = devTexts.Count == 0 ? null : new TrainingSet(devFeatures, hidden, [.. devTexts.Select(t => index[t.Label])], labels.Length);
        var result = DenseClassifierTrainer.Train(trainSet, devSet, trainerOptions, null, null, cancellationToken);
        var evaluation = Evaluate(labels, devTexts, result.Model.Predict(devFeatures, devTexts.Count).Select(p => labels[p]).ToList());
        var kind = hiddenSizes.Length == 0 ? "mean-pool-softmax" : "mean-pool-mlp-" + string.Join("-", hiddenSizes);
        return new TrainedChallenger(kind, result.Epochs, result.BestEpoch, evaluation,
            dir => HeadOnnxExporter.ExportSequenceHead(result.Model, hidden, Path.Combine(dir, HeadContract.FileName)));
    }

    /// <summary>Same family as an attention champion (slower: minutes on large base data with 2 cores).</summary>
    private TrainedChallenger TrainAttention(IReadOnlyList<LabeledText> train, IReadOnlyList<LabeledText> devTexts, string[] labels, CancellationToken cancellationToken)
    {
        var options = new Training.NeuralNetworks.Attention.AttentionSequenceHeadOptions();
        var result = AttentionSequenceTraining.Train(features, train, devTexts, labels, options, null, null, cancellationToken);
        return new TrainedChallenger("attention-" + options.Describe(), result.Epochs, result.BestEpoch, HeadEvaluation.FromClassification(result.DevMetrics),
            dir => AttentionSequenceHeadExporter.Export(result.Model, features.HiddenSize, Path.Combine(dir, HeadContract.FileName)));
    }

    private static Scorecard Score(TaskHead head, IReadOnlyList<LabeledText> holdout, TokenStates holdoutStates, IReadOnlyList<LabeledText>? baseDev, TokenStates? baseStates)
    {
        var holdoutPredictions = holdout.Count == 0 ? [] : HeadScoring.PredictLabels(head, holdoutStates);
        var correct = holdout.Select((h, i) => holdoutPredictions[i] == h.Label).ToArray();
        double? baseScore = null;
        if (baseDev is not null && baseStates is not null)
        {
            var predictions = HeadScoring.PredictLabels(head, baseStates);
            baseScore = baseDev.Select((d, i) => predictions[i] == d.Label).Count(c => c) / (double)Math.Max(1, baseDev.Count);
        }

        return new Scorecard(correct, correct.Length == 0 ? 0 : correct.Count(c => c) / (double)correct.Length, baseScore);
    }

    private static HeadEvaluation Evaluate(IReadOnlyList<string> labels, IReadOnlyList<LabeledText> dev, IReadOnlyList<string> predicted) =>
        HeadEvaluation.FromClassification(ClassificationMetrics.Compute(labels, [.. dev.Select(d => d.Label)], predicted));

    /// <summary>Whether an example belongs to the held-out part: a stable function of its text.</summary>
    public bool IsHoldout(string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var bucket = BitConverter.ToUInt32(hash, 0) / (double)uint.MaxValue;
        return bucket < options.HoldoutFraction;
    }
}
