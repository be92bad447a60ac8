using StreamNlp.Models.Ner;
using StreamNlp.Training.Data;
using StreamNlp.Training.Evaluation;
using StreamNlp.Training.NeuralNetworks.Convolution;

namespace StreamNlp.Training.Workflows;

/// <summary>
/// CoNLL sentences for a <see cref="ConvolutionalTokenHead"/>: the encoder states of every position (cached by
/// <see cref="FeatureExtractor.TokenStates"/>), a label at each word's first sub-token under the same CoNLL-token → word
/// rules as <see cref="NerAlignment"/> (the first word of a token takes its tag, later words continue its entity as
/// <c>I-X</c> or stay <c>O</c>), and entity scores (BIO-constrained Viterbi over the words, mapped back to CoNLL tokens
/// as conlleval scores them).
/// </summary>
public static class ConvolutionalNerAlignment
{
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
