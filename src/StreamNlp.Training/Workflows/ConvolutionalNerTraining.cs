using StreamNlp.Models.Ner;
using StreamNlp.Training.Data;
using StreamNlp.Training.Evaluation;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Convolution;

namespace StreamNlp.Training.Workflows;

/// <summary>
/// Trains a <see cref="ConvolutionalTokenHead"/> for NER on CoNLL sentences: the encoder states of every
/// position (cached by <see cref="FeatureExtractor.TokenStates"/>), a label at each word's first sub-token under
/// the same CoNLL-token → word rules as <see cref="NerAlignment"/> (the first word of a token takes its tag, later
/// words continue its entity as <c>I-X</c> or stay <c>O</c>), and dev entity F1 (BIO-constrained Viterbi over
/// the words, mapped back to CoNLL tokens as conlleval scores them) as the early-stopping metric.
/// </summary>
public static class ConvolutionalNerTraining
{
    /// <summary>Prepares train and dev, trains with early stopping on dev entity F1, and scores the best head.</summary>
    /// <param name="extractor">Encodes (or reads from its cache) the sentences' token states.</param>
    /// <param name="train">Training sentences; the tag set is <c>O</c> plus <c>B-/I-</c> of their entity types, in ordinal order.</param>
    /// <param name="dev">Dev sentences, never trained on.</param>
    /// <param name="options">Head shape and training settings.</param>
    public static ConvolutionalNerOutcome Train(
        FeatureExtractor extractor,
        IReadOnlyList<ConllSentence> train,
        IReadOnlyList<ConllSentence> dev,
        ConvolutionalTokenHeadOptions options,
        IProgress<EncodingProgress>? encoding = null,
        IProgress<EpochReport>? epochs = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        ArgumentNullException.ThrowIfNull(options);
        var tagSet = TagSetOf(train);
        var trainData = Prepare(extractor, train, tagSet, encoding, "encode train");
        var devData = Prepare(extractor, dev, tagSet, encoding, "encode dev");

        var result = ConvolutionalTokenHeadTrainer.Train(
            trainData.Set, devData.Set, options, m => Evaluate(m, devData, dev, tagSet).Overall.F1, epochs, cancellationToken);
        var metrics = Evaluate(result.Model, devData, dev, tagSet);
        return new ConvolutionalNerOutcome(result.Model, tagSet, metrics, result.Epochs, result.BestEpoch, train.Count, dev.Count);
    }

    /// <summary>The tag set <see cref="HeadTrainingWorkflow"/> uses: <c>O</c>, then <c>B-X</c>, <c>I-X</c> per entity type (ordinal order).</summary>
    public static BioTagSet TagSetOf(IReadOnlyList<ConllSentence> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var types = sentences.SelectMany(s => s.Tags).Select(t => BioTagSet.TryParse(t, out _, out var type) ? type : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return BioTagSet.FromEntityTypes(types);
    }

    /// <summary>
    /// Encodes <paramref name="sentences"/> (space-joined, as <see cref="ConllReader.ToText"/>) and labels each
    /// word's first sub-token, with <see cref="NerAlignment.WordLabels"/> (the dense head's token → word rule).
    /// </summary>
    public static ConvolutionalNerData Prepare(
        FeatureExtractor extractor,
        IReadOnlyList<ConllSentence> sentences,
        BioTagSet tagSet,
        IProgress<EncodingProgress>? progress = null,
        string stage = "encode")
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentNullException.ThrowIfNull(tagSet);
        var texts = sentences.Select(ConllReader.ToText).ToArray();
        var states = extractor.TokenStates([.. texts.Select(t => t.Text)], progress, stage);
        var labels = new int[states.PositionCount];
        Array.Fill(labels, -1);
        var firstWords = new int[sentences.Count][];
        for (var s = 0; s < sentences.Count; s++)
        {
            // Same token → word rule as the dense head; here each word's label sits at its first sub-token position.
            var tokenized = states.Texts[s];
            var wordLabels = NerAlignment.WordLabels(tokenized, texts[s], sentences[s].Tags, tagSet, out firstWords[s]);
            for (var w = 0; w < wordLabels.Length; w++)
            {
                labels[states.Offsets[s] + tokenized.WordFirstToken[w]] = wordLabels[w];
            }
        }

        return new ConvolutionalNerData(new TokenSequenceSet(states, labels, tagSet.Count), firstWords);
    }

    /// <summary>Entity precision/recall/F1 on CoNLL tokens, decoding each sentence's words with BIO-constrained Viterbi.</summary>
    public static EntityMetrics Evaluate(ConvolutionalTokenHead model, ConvolutionalNerData data, IReadOnlyList<ConllSentence> sentences, BioTagSet tagSet)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var predicted = PredictTokenTags(model, data, tagSet);
        return EntityMetrics.FromTags([.. sentences.Select(s => s.Tags)], predicted);
    }

    /// <summary>Predicted tag per CoNLL token of each sentence: Viterbi over the words' first sub-tokens, a token taking its first word's tag.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> PredictTokenTags(ConvolutionalTokenHead model, ConvolutionalNerData data, BioTagSet tagSet)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(tagSet);
        var states = data.Set.States;
        var probabilities = model.PredictProbabilities(states);
        var tags = tagSet.Count;
        var result = new IReadOnlyList<string>[data.TokenFirstWord.Count];
        for (var s = 0; s < result.Length; s++)
        {
            var firstTokens = states.Texts[s].WordFirstToken;
            var words = firstTokens.Length;
            var wordProbabilities = new float[words * tags];
            for (var w = 0; w < words; w++)
            {
                probabilities.AsSpan((states.Offsets[s] + firstTokens[w]) * tags, tags).CopyTo(wordProbabilities.AsSpan(w * tags));
            }

            var path = words == 0 ? [] : BioViterbiDecoder.Decode(wordProbabilities, words, tagSet);
            result[s] = [.. data.TokenFirstWord[s].Select(w => w < 0 ? BioTagSet.OutsideLabel : tagSet[path[w]])];
        }

        return result;
    }
}
