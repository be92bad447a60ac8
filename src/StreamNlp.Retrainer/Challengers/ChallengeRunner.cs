using System.Diagnostics;
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
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Retrainer.Challengers;

/// <summary>
/// One retraining round for a task: split the stored feedback into train and held-out parts (by a
/// hash of the text, so an example stays on its side across rounds), train a challenger of the champion's head
/// family with the champion's recorded options on the base training data plus the feedback, register it as a new (not yet current) version, score champion
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

        var baseTrain = baseData?.Train ?? [];
        var devTexts = (baseData?.Dev ?? holdout).Where(d => index.ContainsKey(d.Label)).ToList();
        // The champion's family and options; base and feedback are separate parts, so the base features come from the cache.
        var champion = HeadFamilyCatalog.Default.ChoiceOf(championManifest);
        var trained = champion.Train(HeadTrainingData.ForTexts(task, features, labels, [baseTrain, feedbackTrain], devTexts), null, cancellationToken);

        // Score both models through ONNX on the same cached states.
        var holdoutStates = features.TokenStates([.. holdout.Select(h => h.Text)]);
        var baseDevStates = baseData is null ? null : features.TokenStates([.. baseData.Dev.Select(d => d.Text)]);
        var training = RetrainRecord.Create(
            baseData?.TrainFile, baseTrain.Count, feedbackTrain.Count, holdout.Count, devTexts.Count,
            trained.Epochs.Count, trained.BestEpoch, championVersion, clock.Elapsed);

        var outcome = HeadRegistration.Register(registry, task, encoder, trained, training, promote: false);

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

    /// <summary>Whether an example belongs to the held-out part: a stable function of its text.</summary>
    public bool IsHoldout(string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var bucket = BitConverter.ToUInt32(hash, 0) / (double)uint.MaxValue;
        return bucket < options.HoldoutFraction;
    }
}
