using System.Diagnostics;
using StreamNlp.Core.Hashing;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Ner;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;
using StreamNlp.Retrainer.Challengers.Ner;
using StreamNlp.Retrainer.Challengers.Strategies;
using StreamNlp.Retrainer.Configuration;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Training.Data;
using StreamNlp.Training.Evaluation;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Retrainer.Challengers;

/// <summary>
/// One NER retraining round, with the contract of <see cref="ChallengeRunner"/>'s sequence path: feedback (text +
/// character-span entities) becomes IOB2 sentences over the tokenizer's words (<see cref="NerFeedbackConversion"/>);
/// examples are split into train and held-out by <paramref name="isHoldout"/> (a hash of the text); a challenger of
/// the champion's family, with its recorded options, is trained on the replay set (or the configured base CoNLL data) plus the feedback (up-weighted by repetition unless the strategy is Replay) and registered without promotion; both
/// heads are scored through their ONNX graphs on the same cached states (held-out feedback: exact entity-set match
/// per example and entity F1; base dev: entity F1 on word spans); the <see cref="PromotionGate"/> decides.
/// </summary>
public sealed class NerChallenge(
    ModelRegistry registry,
    FeatureExtractor features,
    EncoderDescriptor encoder,
    RetrainerOptions options,
    InferenceSettings inference,
    TimeProvider time,
    Func<string, bool> isHoldout)
{
    public ChallengeResult Run(IReadOnlyList<StoredFeedback> feedback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        var clock = Stopwatch.StartNew();
        var started = time.GetUtcNow();
        var championVersion = registry.CurrentVersion(NlpTask.Ner)
            ?? throw new ModelIntegrityException($"No current ner model in {registry.TaskDirectory(NlpTask.Ner)}.");
        var championManifest = registry.Verify(NlpTask.Ner, championVersion, encoder.ModelSha256);

        var tokenizer = features.Tokenizer;
        var examples = feedback.Select(f => NerFeedbackConversion.ToExample(tokenizer, f.Example.Text, f.Example.Entities)).ToList();
        var split = examples.ToLookup(e => isHoldout(e.Text));
        var holdout = split[true].ToList();
        IReadOnlyList<ConllSentence> feedbackTrain = [.. split[false].Select(e => e.Sentence)];
        var championDirectory = registry.VersionDirectory(NlpTask.Ner, championVersion);
        var replay = ReplaySource.For(NlpTask.Ner, options, championDirectory, championManifest);
        var replayTrain = replay?.Sentences?.Train ?? [];
        var replayDev = replay?.Sentences?.Dev;
        if (replayDev is not null)
        {
            feedbackTrain = DevOverlap.Remove(feedbackTrain, replayDev, out _); // never train on dev
        }

        if (replayTrain.Count + feedbackTrain.Count == 0)
        {
            throw new InvalidOperationException("No NER training data: all feedback is held out and the champion has no replay set (and no base data is configured).");
        }

        // Tags: O, then B-/I- of the champion's entity types and of any new type the data brings (ordinal order).
        var types = new BioTagSet(championManifest.Labels).EntityTypes
            .Concat(replayTrain.Concat(feedbackTrain).SelectMany(s => s.Tags).Select(t => BioTagSet.TryParse(t, out _, out var type) ? type : null).OfType<string>())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        var tagSet = BioTagSet.FromEntityTypes(types);
        var dev = replayDev ?? [.. holdout.Select(h => h.Sentence)];

        var champion = HeadFamilyCatalog.Default.ChoiceOf(championManifest);
        var sameTags = tagSet.Labels.ToHashSet(StringComparer.Ordinal).SetEquals(championManifest.Labels);
        var strategy = options.Strategy == RetrainStrategy.Adapter && !sameTags
            ? RetrainStrategy.Weighted // an adapter corrects the champion's tags; a new entity type needs a new head
            : options.Strategy;
        TrainOutcome outcome;
        if (strategy == RetrainStrategy.Adapter)
        {
            var kept = feedbackTrain.ToHashSet();
            var feedbackExamples = split[false].Where(e => kept.Contains(e.Sentence)).ToList();
            var replayExamples = AdapterReplayExamples(tokenizer, replayTrain);
            outcome = new TokenAdapterChallenger(registry, features, encoder, options, inference)
                .Train(championVersion, championManifest, champion, replay, replayExamples, feedbackExamples, holdout.Count, clock, cancellationToken);
        }
        else
        {
            // The champion's family and options, from scratch; the replayed part and each repeat of the feedback come from the feature cache.
            var repeats = strategy == RetrainStrategy.Weighted ? ChallengeRunner.FeedbackRepeats(replayTrain.Count, feedbackTrain.Count, options.FeedbackShare) : 1;
            IReadOnlyList<IReadOnlyList<ConllSentence>> parts = [replayTrain, .. Enumerable.Repeat(feedbackTrain, repeats)];
            var trained = champion.Train(HeadTrainingData.ForSentences(features, tagSet, parts, dev), null, cancellationToken);
            var training = RetrainRecord.Create(
                replay, replayTrain.Count, feedbackTrain.Count, holdout.Count, dev.Count,
                trained.Epochs.Count, trained.BestEpoch, championVersion, clock.Elapsed, strategy, repeats);
            outcome = HeadRegistration.Register(registry, NlpTask.Ner, encoder, trained, training, promote: false, replay);
        }

        // Score both models through ONNX on the same cached states.
        var holdoutStates = features.TokenStates([.. holdout.Select(h => h.Text)]);
        var baseDev = replayDev is null ? null : DevExamples(tokenizer, replayDev);
        var baseDevStates = baseDev is null ? null : features.TokenStates([.. baseDev.Select(d => d.Text)]);
        var sessions = new SessionFactory(inference);
        using var championHead = new TaskHead(NlpTask.Ner, registry.VersionDirectory(NlpTask.Ner, championVersion), championManifest, sessions);
        using var challengerHead = new TaskHead(NlpTask.Ner, outcome.VersionDirectory, outcome.Manifest, sessions);
        var championCard = Score(championHead, holdout, holdoutStates, baseDev, baseDevStates);
        var challengerCard = Score(challengerHead, holdout, holdoutStates, baseDev, baseDevStates);
        var decision = new PromotionGate(options).Decide(championCard, challengerCard);
        if (decision.Promote)
        {
            registry.Promote(NlpTask.Ner, outcome.Manifest.Version, encoder.ModelSha256);
        }

        var run = new RetrainRun(
            NlpTask.Ner, started, time.GetUtcNow(), examples.Count, championVersion, outcome.Manifest.Version,
            championCard.ToMetrics(), challengerCard.ToMetrics(),
            decision.Promote ? RetrainDecisions.Promoted : RetrainDecisions.Rejected, decision.Reason);
        return new ChallengeResult(run, decision, outcome.Manifest, championVersion);
    }

    /// <summary>The replayed sentences an adapter round trains on, as the texts the encoder reads (also what the retrainer warms up).</summary>
    internal static IReadOnlyList<NerExample> AdapterReplayExamples(TextTokenizer tokenizer, IReadOnlyList<ConllSentence> replayTrain) =>
        [.. replayTrain.Take(TokenAdapterChallenger.MaxReplaySentences).Select(s => NerFeedbackConversion.FromConll(tokenizer, s))];

    /// <summary>The replay set's dev sentences as scored (also what the retrainer warms up).</summary>
    internal static IReadOnlyList<NerExample> DevExamples(TextTokenizer tokenizer, IReadOnlyList<ConllSentence> replayDev) =>
        [.. replayDev.Select(s => NerFeedbackConversion.FromConll(tokenizer, s))];

    private static Scorecard Score(
        TaskHead head, IReadOnlyList<NerExample> holdout, TokenStates holdoutStates, IReadOnlyList<NerExample>? baseDev, TokenStates? baseStates)
    {
        var predicted = Entities(head, holdoutStates);
        var correct = holdout.Select((h, i) => h.Gold.ToHashSet().SetEquals(predicted[i])).ToArray();
        var holdoutScore = EntityMetrics.FromSpans([.. holdout.Select(h => h.Gold)], predicted).Overall.F1;
        double? baseScore = null;
        if (baseDev is not null && baseStates is not null)
        {
            baseScore = EntityMetrics.FromSpans([.. baseDev.Select(d => d.Gold)], Entities(head, baseStates)).Overall.F1;
        }

        return new Scorecard(correct, holdoutScore, baseScore);
    }

    private static IReadOnlyList<EntitySpan>[] Entities(TaskHead head, TokenStates states) =>
        [.. HeadScoring.PredictWordTags(head, states).Select(BioSpans.FromTags)];
}
