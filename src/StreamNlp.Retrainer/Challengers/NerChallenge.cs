using System.Diagnostics;
using System.Globalization;
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
using StreamNlp.Training.Export;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Convolution;
using StreamNlp.Training.Reports;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Retrainer.Challengers;

/// <summary>
/// One NER retraining round, with the contract of <see cref="ChallengeRunner"/>'s sequence path: feedback (text +
/// character-span entities) becomes IOB2 sentences over the tokenizer's words (<see cref="NerFeedbackConversion"/>);
/// examples are split into train and held-out by <paramref name="isHoldout"/> (a hash of the text); a challenger of
/// the champion's family is trained on the base CoNLL data plus the feedback and registered without promotion; both
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
    /// <summary>The dense token head's settings: those the shipped NER head was trained with.</summary>
    private static readonly DenseClassifierOptions DenseOptions = new()
    {
        Epochs = 20,
        LearningRate = 0.003f,
        Patience = 4,
        Seed = 42,
    };

    /// <summary>
    /// The convolutional head's defaults, with epochs capped at 8 (default 30) so a retraining round stays short on a
    /// few cores; early stopping on dev entity F1 usually ends earlier anyway.
    /// </summary>
    private static readonly ConvolutionalTokenHeadOptions ConvolutionOptions = new() { Epochs = 8 };

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
        var trained = (championManifest.Kind ?? "").StartsWith("cnn-", StringComparison.Ordinal)
            ? TrainConvolutional(baseTrain, feedbackTrain, dev, tagSet, cancellationToken)
            : TrainDense(championManifest.Kind ?? "", baseTrain, feedbackTrain, dev, tagSet, cancellationToken);

        var training = RetrainRecord.Create(
            baseData?.TrainFile, baseTrain.Count, feedbackTrain.Count, holdout.Count, dev.Count,
            trained.Epochs.Count, trained.BestEpoch, championVersion, clock.Elapsed);
        var outcome = HeadRegistration.Register(
            registry, NlpTask.Ner, encoder, trained.Kind, trained.Labels, trained.Epochs, trained.BestEpoch, training, trained.Evaluation, trained.Export, promote: false);

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

    /// <summary>
    /// Same family as a dense token champion (<c>token-softmax</c> or <c>token-mlp-…</c>): per-word features through
    /// <see cref="NerAlignment"/>. Base and feedback are aligned separately so the base features come from the cache.
    /// </summary>
    private TrainedNerChallenger TrainDense(
        string championKind, IReadOnlyList<ConllSentence> baseTrain, IReadOnlyList<ConllSentence> feedbackTrain, IReadOnlyList<ConllSentence> dev,
        BioTagSet tagSet, CancellationToken cancellationToken)
    {
        var hiddenSizes = championKind.StartsWith("token-mlp-", StringComparison.Ordinal)
            ? championKind["token-mlp-".Length..].Split('-').Select(h => int.Parse(h, CultureInfo.InvariantCulture)).ToArray()
            : [];
        var trainerOptions = hiddenSizes.Length == 0 ? DenseOptions : DenseOptions with { HiddenSizes = hiddenSizes, LearningRate = 0.001f, Dropout = 0.2f };
        var parts = new[] { baseTrain, feedbackTrain }
            .Where(p => p.Count > 0)
            .Select(p => NerAlignment.Align(p, features.Tokenizer, tagSet, features, null, "encode train"))
            .ToList();
        var dimension = features.HiddenSize + TokenShapeFeatures.Count;
        var trainSet = new TrainingSet(
            Join([.. parts.Select(p => p.Features.Features)]), dimension, Join([.. parts.Select(p => p.WordLabels)]), tagSet.Count);
        var devData = dev.Count == 0 ? null : NerAlignment.Align(dev, features.Tokenizer, tagSet, features, null, "encode dev");
        var devSet = devData is null ? null : new TrainingSet(devData.Features.Features, dimension, devData.WordLabels, tagSet.Count);
        Func<DenseClassifier, double>? devMetric = devData is null ? null : m => NerAlignment.Evaluate(m, devData, dev, tagSet).Overall.F1;
        var result = DenseClassifierTrainer.Train(trainSet, devSet, trainerOptions, devMetric, null, cancellationToken);
        var predicted = devData is null ? [] : NerAlignment.PredictTokenTags(result.Model, devData, tagSet);
        var kind = hiddenSizes.Length == 0 ? "token-softmax" : "token-mlp-" + string.Join("-", hiddenSizes);
        return new TrainedNerChallenger(kind, tagSet.Labels, result.Epochs, result.BestEpoch, HeadTrainingWorkflow.NerEvaluation(dev, predicted, tagSet),
            dir => HeadOnnxExporter.ExportTokenHead(result.Model, features.HiddenSize, TokenShapeFeatures.Count, Path.Combine(dir, HeadContract.FileName)));
    }

    /// <summary>
    /// Same family as a convolutional champion (<c>cnn-…</c>), with the pieces of <see cref="ConvolutionalNerTraining"/>:
    /// base and feedback are prepared separately (the base states come from the cache) and the tag set keeps the
    /// champion's types, which <see cref="ConvolutionalNerTraining.Train"/> (tags of the training data only) would not.
    /// </summary>
    private TrainedNerChallenger TrainConvolutional(
        IReadOnlyList<ConllSentence> baseTrain, IReadOnlyList<ConllSentence> feedbackTrain, IReadOnlyList<ConllSentence> dev,
        BioTagSet tagSet, CancellationToken cancellationToken)
    {
        var parts = new[] { baseTrain, feedbackTrain }
            .Where(p => p.Count > 0)
            .Select(p => ConvolutionalNerTraining.Prepare(features, p, tagSet, null, "encode train").Set)
            .ToList();
        var trainSet = new TokenSequenceSet(
            Concatenate([.. parts.Select(p => p.States)]), Join([.. parts.Select(p => p.Labels)]), tagSet.Count);
        var devData = dev.Count == 0 ? null : ConvolutionalNerTraining.Prepare(features, dev, tagSet, null, "encode dev");
        Func<ConvolutionalTokenHead, double>? devMetric = devData is null ? null : m => ConvolutionalNerTraining.Evaluate(m, devData, dev, tagSet).Overall.F1;
        var result = ConvolutionalTokenHeadTrainer.Train(trainSet, devData?.Set, ConvolutionOptions, devMetric, null, cancellationToken);
        var predicted = devData is null ? [] : ConvolutionalNerTraining.PredictTokenTags(result.Model, devData, tagSet);
        var kind = $"cnn-k{string.Join("-", ConvolutionOptions.KernelSizes)}-c{ConvolutionOptions.Channels}";
        return new TrainedNerChallenger(kind, tagSet.Labels, result.Epochs, result.BestEpoch, HeadTrainingWorkflow.NerEvaluation(dev, predicted, tagSet),
            dir => ConvolutionalTokenHeadExporter.Export(result.Model, features.HiddenSize, TokenShapeFeatures.Count, Path.Combine(dir, HeadContract.FileName)));
    }

    /// <summary>One <see cref="TokenStates"/> holding the texts of <paramref name="parts"/> in order.</summary>
    private static TokenStates Concatenate(IReadOnlyList<TokenStates> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var offsets = new List<int> { 0 };
        foreach (var part in parts)
        {
            var shift = offsets[^1];
            offsets.AddRange(part.Offsets.Skip(1).Select(o => o + shift));
        }

        return new TokenStates(
            [.. parts.SelectMany(p => p.Texts)],
            [.. offsets],
            Join([.. parts.Select(p => p.States)]),
            Join([.. parts.Select(p => p.Shape)]),
            parts[0].HiddenSize);
    }

    /// <summary>The arrays one after another, in one array.</summary>
    private static T[] Join<T>(IReadOnlyList<T[]> arrays)
    {
        if (arrays.Count == 1)
        {
            return arrays[0];
        }

        var result = new T[arrays.Sum(a => (long)a.Length)];
        var position = 0L;
        foreach (var array in arrays)
        {
            Array.Copy(array, 0, result, position, array.Length);
            position += array.Length;
        }

        return result;
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
