using System.Diagnostics;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Segmentation;
using StreamNlp.Retrainer.Challengers.Strategies;
using StreamNlp.Training.Replay;
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

        var championDirectory = registry.VersionDirectory(task, championVersion);
        var examples = feedback.Select(f => new LabeledText(f.Example.Text, f.Example.Label!)).ToList();
        var holdout = examples.Where(e => IsHoldout(e.Text)).ToList();
        IReadOnlyList<LabeledText> feedbackTrain = [.. examples.Where(e => !IsHoldout(e.Text))];
        var replay = ReplaySource.For(task, options, championDirectory, championManifest);
        var replayTrain = replay?.Texts?.Train ?? [];
        var replayDev = replay?.Texts?.Dev;
        if (replayDev is not null)
        {
            feedbackTrain = DevOverlap.Remove(feedbackTrain, replayDev, out _); // never train on dev
        }

        // Labels: the champion's, in its order, then any new ones the feedback (or base data) brings.
        var labels = championManifest.Labels
            .Concat(replayTrain.Select(t => t.Label).Concat(feedbackTrain.Select(t => t.Label)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        var index = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var devTexts = (replayDev ?? holdout).Where(d => index.ContainsKey(d.Label)).ToList();
        var strategy = options.Strategy == RetrainStrategy.Adapter && labels.Length != championManifest.Labels.Count
            ? RetrainStrategy.Weighted // an adapter corrects the champion's labels; a new label needs a new head
            : options.Strategy;

        var champion = HeadFamilyCatalog.Default.ChoiceOf(championManifest);
        TrainOutcome outcome;
        AdapterRound? adapterRound = null;
        if (strategy == RetrainStrategy.Adapter)
        {
            // All the feedback (never dev rows): trained on by the final adapter, judged out of fold.
            var allFeedback = replayDev is null ? examples : DevOverlap.Remove(examples, replayDev, out _);
            adapterRound = new AdapterChallenger(registry, features, encoder, options, inference)
                .Train(task, championVersion, championManifest, champion, replay, replayTrain, allFeedback, clock, cancellationToken);
            outcome = adapterRound.Outcome;
        }
        else
        {
            // The champion's family and options, from scratch. Parts are encoded separately, so the replayed part (and
            // each repeat of the feedback) comes from the feature cache.
            var repeats = strategy == RetrainStrategy.Weighted ? FeedbackRepeats(replayTrain.Count, feedbackTrain.Count, options.FeedbackShare) : 1;
            IReadOnlyList<IReadOnlyList<LabeledText>> parts = [replayTrain, .. Enumerable.Repeat(feedbackTrain, repeats)];
            var trained = champion.Train(HeadTrainingData.ForTexts(task, features, labels, parts, devTexts), null, cancellationToken);
            var training = RetrainRecord.Create(
                replay, replayTrain.Count, feedbackTrain.Count, holdout.Count, devTexts.Count,
                trained.Epochs.Count, trained.BestEpoch, championVersion, clock.Elapsed, strategy, repeats);
            outcome = HeadRegistration.Register(registry, task, encoder, trained, training, promote: false, replay);
        }

        // Score both models through ONNX on the same cached states: the held-out feedback (for an adapter round, its
        // out-of-fold predictions over all the feedback instead) and the replay set's dev rows.
        IReadOnlyList<LabeledText> judged = adapterRound is null ? holdout : [];
        var layers = champion.Options.EncoderLayers;
        var judgedSentences = FeedbackSentences.Of([.. judged.Select(h => h.Text)], new TextSegmenter(features.Tokenizer, inference.Segmentation), features.MaxTokens);
        var holdoutStates = features.TokenStates(judgedSentences.Sentences, layers: layers);
        var baseDevStates = replayDev is null ? null : features.TokenStates([.. replayDev.Select(d => d.Text)], layers: layers);
        var sessions = new SessionFactory(inference);
        using var championHead = new TaskHead(task, championDirectory, championManifest, sessions);
        using var challengerHead = new TaskHead(task, outcome.VersionDirectory, outcome.Manifest, sessions);
        var championCard = Score(task, championHead, judged, judgedSentences, holdoutStates, replayDev, baseDevStates);
        var challengerCard = Score(task, challengerHead, judged, judgedSentences, holdoutStates, replayDev, baseDevStates);
        if (adapterRound is not null)
        {
            championCard = championCard with { HoldoutCorrect = adapterRound.ChampionCorrect, HoldoutScore = Mean(adapterRound.ChampionCorrect) };
            challengerCard = challengerCard with { HoldoutCorrect = adapterRound.ChallengerCorrect, HoldoutScore = Mean(adapterRound.ChallengerCorrect) };
        }

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

    /// <summary>
    /// Encodes the replay set a task's next round will use (the current champion's, or one drawn from the configured
    /// base data), so its features are in the on-disk cache before the first labels arrive and a round only encodes
    /// the feedback. Returns that replay set, or null when the task has none (no current model, no replay, no base data).
    /// </summary>
    public ReplaySet? WarmUp(NlpTask task, CancellationToken cancellationToken)
    {
        if (registry.CurrentVersion(task) is not { } version)
        {
            return null;
        }

        var manifest = registry.Verify(task, version, encoder.ModelSha256);
        var replay = ReplaySource.For(task, options, registry.VersionDirectory(task, version), manifest);
        cancellationToken.ThrowIfCancellationRequested();
        if (replay?.Sentences is { } sentences)
        {
            var tokenizer = features.Tokenizer;
            features.TokenStates([.. NerChallenge.AdapterReplayExamples(tokenizer, sentences.Train).Select(e => e.Text)]);
            cancellationToken.ThrowIfCancellationRequested();
            features.TokenStates([.. NerChallenge.DevExamples(tokenizer, sentences.Dev).Select(e => e.Text)]);
        }
        else if (replay?.Texts is { } texts)
        {
            var layers = HeadFamilyCatalog.Default.ChoiceOf(manifest).Options.EncoderLayers;
            features.TokenStates([.. texts.Train.Select(t => t.Text)], layers: layers);
            cancellationToken.ThrowIfCancellationRequested();
            features.TokenStates([.. texts.Dev.Select(t => t.Text)], layers: layers);
        }

        return replay;
    }

    /// <summary>
    /// How many times the feedback part is repeated so that it makes up about <paramref name="share"/> of the training
    /// examples next to <paramref name="replayCount"/> replayed rows (at least once).
    /// </summary>
    public static int FeedbackRepeats(int replayCount, int feedbackCount, double share)
    {
        if (feedbackCount == 0 || replayCount == 0)
        {
            return 1;
        }

        return Math.Max(1, (int)Math.Round(share / (1 - share) * replayCount / feedbackCount, MidpointRounding.AwayFromZero));
    }

    private static double Mean(bool[] correct) => correct.Length == 0 ? 0 : correct.Count(c => c) / (double)correct.Length;

    /// <summary>
    /// The held-out feedback scored as the worker reads it (each text's label combined from its sentences' probabilities),
    /// and the replay set's dev rows.
    /// </summary>
    private static Scorecard Score(
        NlpTask task, TaskHead head, IReadOnlyList<LabeledText> holdout, FeedbackSentences holdoutSentences, TokenStates holdoutStates,
        IReadOnlyList<LabeledText>? baseDev, TokenStates? baseStates)
    {
        var labels = head.Labels.Count;
        var holdoutProbabilities = holdout.Count == 0 ? [] : holdoutSentences.Combine(task, HeadScoring.Probabilities(head, holdoutStates), labels);
        var holdoutPredictions = holdout.Select((_, i) => head.Labels[TensorPrimitives.IndexOfMax(holdoutProbabilities.AsSpan(i * labels, labels))]).ToArray();
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
