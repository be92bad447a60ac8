using System.Diagnostics;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;
using StreamNlp.Retrainer.Challengers.Ner;
using StreamNlp.Retrainer.Configuration;
using StreamNlp.Training.Adapters;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.Replay;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Retrainer.Challengers.Strategies;

/// <summary>
/// The <see cref="RetrainStrategy.Adapter"/> challenger of the NER task (tag set unchanged): a <see cref="ResidualAdapter"/>
/// per word, on the same <c>concat(hidden state, token features)</c> of the word's first sub-token the token heads read,
/// over the champion's own tag probabilities, trained on up to <see cref="MaxReplaySentences"/> replayed sentences plus
/// the feedback (feedback carrying <see cref="RetrainerOptions.FeedbackShare"/> of the loss), with a domain gate that
/// reads the whole sentence (the mean of its positions' inputs), so a sentence like the base data keeps the champion's tags.
/// </summary>
public sealed class TokenAdapterChallenger(
    ModelRegistry registry, FeatureExtractor features, EncoderDescriptor encoder, RetrainerOptions options, InferenceSettings inference)
{
    /// <summary>Replayed sentences the adapter trains on (the first ones of the replay set); bounds a round's time.</summary>
    public const int MaxReplaySentences = 1500;

    public TrainOutcome Train(
        string championVersion, HeadManifest championManifest, HeadChoice championHead, ReplaySet? replay,
        IReadOnlyList<NerExample> replayTrain, IReadOnlyList<NerExample> feedbackTrain, int holdoutCount, Stopwatch clock,
        CancellationToken cancellationToken)
    {
        if (feedbackTrain.Count == 0)
        {
            throw new InvalidOperationException("No feedback to train an adapter on: all of it is held out or also in the dev data.");
        }

        var championGraph = ResidualAdapterGraph.Read(Path.Combine(registry.VersionDirectory(NlpTask.Ner, championVersion), HeadContract.FileName));
        var tags = championManifest.Labels;
        var index = tags.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var replayed = replayTrain.Take(MaxReplaySentences).ToList();
        var examples = replayed.Concat(feedbackTrain).ToList();
        var states = TokenStates.Concatenate([
            .. new[] { replayed, feedbackTrain }.Where(p => p.Count > 0).Select(p => features.TokenStates([.. p.Select(e => e.Text)])),
        ]);
        var positionProbabilities = AdapterChallenger.RunStripped(NlpTask.Ner, championGraph, championManifest, inference, head => HeadScoring.TokenProbabilities(head, states));

        // One row per visible word: its first sub-token's state and shape features, the champion's log-probabilities there, its gold tag.
        var dimension = states.HiddenSize + TokenShapeFeatures.Count;
        var rowFeatures = new List<float>();
        var rowGate = new List<float>();
        var rowLog = new List<float>();
        var gold = new List<int>();
        var isFeedback = new List<bool>();
        for (var i = 0; i < examples.Count; i++)
        {
            var sentenceMean = SentenceMean(states, i, dimension);
            var firstTokens = states.Texts[i].WordFirstToken;
            var sentenceTags = examples[i].Sentence.Tags;
            for (var w = 0; w < firstTokens.Length && w < sentenceTags.Count; w++)
            {
                var position = states.Offsets[i] + firstTokens[w];
                rowFeatures.AddRange(states.States.AsSpan(position * states.HiddenSize, states.HiddenSize));
                rowFeatures.AddRange(states.Shape.AsSpan(position * TokenShapeFeatures.Count, TokenShapeFeatures.Count));
                rowLog.AddRange(positionProbabilities.AsSpan(position * tags.Count, tags.Count));
                rowGate.AddRange(sentenceMean);
                gold.Add(index[sentenceTags[w]]);
                isFeedback.Add(i >= replayed.Count);
            }
        }

        var featureArray = rowFeatures.ToArray();
        var logArray = AdapterChallenger.LogOf([.. rowLog]);
        var adapterOptions = new ResidualAdapterOptions { FeedbackShare = options.FeedbackShare, L2 = options.TokenAdapterL2 };
        var gateArray = rowGate.ToArray();
        var adapter = ResidualAdapter.Train(featureArray, dimension, logArray, [.. gold], [.. isFeedback], adapterOptions, cancellationToken, gateArray, dimension);
        var graph = ResidualAdapterGraph.AttachToTokens(championGraph, adapter, states.HiddenSize, TokenShapeFeatures.Count);
        var report = "per-word tag accuracy on the training rows\n" +
            AdapterChallenger.Report(adapter, featureArray, logArray, [.. gold], [.. isFeedback], tags.Count, dimension, adapterOptions, gateArray, ResidualAdapterGraph.TokenKind);
        return AdapterChallenger.Register(registry, encoder, options, NlpTask.Ner, championVersion, championManifest, championHead, replay, graph, report,
            replayed.Count, feedbackTrain.Count, holdoutCount, replay?.Sentences?.Dev.Count ?? holdoutCount, adapterOptions, ResidualAdapterGraph.TokenKind, clock);
    }

    /// <summary>The mean of <c>concat(hidden state, shape features)</c> over every position of text <paramref name="text"/> (what the graph's gate reads).</summary>
    private static float[] SentenceMean(TokenStates states, int text, int dimension)
    {
        var mean = new float[dimension];
        var length = states.Length(text);
        var hidden = states.HiddenSize;
        for (var t = 0; t < length; t++)
        {
            var position = states.Offsets[text] + t;
            System.Numerics.Tensors.TensorPrimitives.Add(mean.AsSpan(0, hidden), states.States.AsSpan(position * hidden, hidden), mean.AsSpan(0, hidden));
            System.Numerics.Tensors.TensorPrimitives.Add(mean.AsSpan(hidden), states.Shape.AsSpan(position * TokenShapeFeatures.Count, TokenShapeFeatures.Count), mean.AsSpan(hidden));
        }

        System.Numerics.Tensors.TensorPrimitives.Divide(mean, Math.Max(length, 1), mean);
        return mean;
    }
}
