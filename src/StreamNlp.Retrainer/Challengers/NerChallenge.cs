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
/// the champion's family, with its recorded options, is trained on the base CoNLL data plus the feedback and registered without promotion; both
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
        var baseData = NerBaseData.Load(options);
        if (baseData is not null)
        {
            feedbackTrain = DevOverlap.Remove(feedbackTrain, baseData.Dev, out _); // never train on dev
        }

        var baseTrain = baseData?.Train ?? [];
        if (baseTrain.Count + feedbackTrain.Count == 0)
        {
            throw new InvalidOperationException("No NER training data: all feedback is held out and no base data is configured.");
        }

        // Tags: O, then B-/I- of the champion's entity types and of any new type the data brings (ordinal order).
        var types = new BioTagSet(championManifest.Labels).EntityTypes
            .Concat(baseTrain.Concat(feedbackTrain).SelectMany(s => s.Tags).Select(t => BioTagSet.TryParse(t, out _, out var type) ? type : null).OfType<string>())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        var tagSet = BioTagSet.FromEntityTypes(types);
        var dev = baseData?.Dev ?? [.. holdout.Select(h => h.Sentence)];
        // The champion's family and options; base and feedback are separate parts, so the base states come from the cache.
        var champion = HeadFamilyCatalog.Default.ChoiceOf(championManifest);
        var trained = champion.Train(HeadTrainingData.ForSentences(features, tagSet, [baseTrain, feedbackTrain], dev), null, cancellationToken);

        var training = RetrainRecord.Create(
            baseData?.TrainFile, baseTrain.Count, feedbackTrain.Count, holdout.Count, dev.Count,
            trained.Epochs.Count, trained.BestEpoch, championVersion, clock.Elapsed);
        var outcome = HeadRegistration.Register(registry, NlpTask.Ner, encoder, trained, training, promote: false);

        // Score both models through ONNX on the same cached states.
        var holdoutStates = features.TokenStates([.. holdout.Select(h => h.Text)]);
        var baseDev = baseData?.Dev.Select(s => NerFeedbackConversion.FromConll(tokenizer, s)).ToList();
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
