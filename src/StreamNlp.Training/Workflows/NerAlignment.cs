using StreamNlp.Models.Ner;
using StreamNlp.Models.Tokenization;
using StreamNlp.Training.Data;
using StreamNlp.Training.Evaluation;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Training.Workflows;

/// <summary>
/// Maps CoNLL tokens onto the tokenizer's words. The tokenizer may split one CoNLL token into
/// several words ("U.S." → "U", ".", "S", "."): the first takes the token's tag, the others continue
/// its entity (<c>I-X</c>) or stay <c>O</c>. Evaluation maps back: a token takes its first word's
/// predicted tag, and entities are scored on CoNLL tokens, as conlleval does.
/// </summary>
public static class NerAlignment
{
    /// <summary>The tag set a head trained on <paramref name="sentences"/> gets: <c>O</c>, then <c>B-X</c>, <c>I-X</c> per entity type (ordinal order).</summary>
    public static BioTagSet TagSetOf(IReadOnlyList<ConllSentence> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var types = sentences.SelectMany(s => s.Tags).Select(t => BioTagSet.TryParse(t, out _, out var type) ? type : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return BioTagSet.FromEntityTypes(types);
    }

    public static NerData Align(
        IReadOnlyList<ConllSentence> sentences,
        TextTokenizer tokenizer,
        BioTagSet tagSet,
        FeatureExtractor extractor,
        IProgress<EncodingProgress>? progress,
        string stage)
    {
        var texts = sentences.Select(ConllReader.ToText).ToArray();
        var features = extractor.WordFeatures([.. texts.Select(t => t.Text)], progress, stage);
        var labels = new int[features.WordCount];
        var firstWords = new int[sentences.Count][];
        for (var s = 0; s < sentences.Count; s++)
        {
            var wordLabels = WordLabels(features.Texts[s], texts[s], sentences[s].Tags, tagSet, out firstWords[s]);
            wordLabels.CopyTo(labels, features.Offsets[s]);
        }

        return new NerData(features, labels, firstWords);
    }

    /// <summary>
    /// The tag index of each tokenizer word of one sentence: the first word of a CoNLL token takes the
    /// token's tag, later words of the same token continue its entity (<c>I-X</c>) or stay <c>O</c>; tags
    /// the set lacks become <c>O</c>. <paramref name="firstWordOfToken"/> gives each CoNLL token's first
    /// word, or -1 when truncation cut it off.
    /// </summary>
    public static int[] WordLabels(TokenizedText tokenized, ConllText text, IReadOnlyList<string> tags, BioTagSet tagSet, out int[] firstWordOfToken)
    {
        var words = tokenized.Words;
        var spans = text.TokenSpans;
        var outside = tagSet.IndexOf(BioTagSet.OutsideLabel);
        var labels = new int[words.Count];
        var first = Enumerable.Repeat(-1, spans.Count).ToArray();
        var token = 0;
        for (var w = 0; w < words.Count; w++)
        {
            while (token < spans.Count - 1 && words[w].Start >= spans[token].End)
            {
                token++;
            }

            string label;
            if (first[token] < 0)
            {
                first[token] = w;
                label = tags[token];
            }
            else
            {
                label = BioTagSet.TryParse(tags[token], out var kind, out var type) && kind != BioTagKind.Outside
                    ? "I-" + type
                    : BioTagSet.OutsideLabel;
            }

            var index = tagSet.IndexOf(label);
            labels[w] = index >= 0 ? index : outside;
        }

        firstWordOfToken = first;
        return labels;
    }

    /// <summary>Entity precision/recall/F1 on CoNLL tokens, decoding each sentence with BIO-constrained Viterbi.</summary>
    public static EntityMetrics Evaluate(DenseClassifier model, NerData data, IReadOnlyList<ConllSentence> sentences, BioTagSet tagSet)
    {
        var predicted = PredictTokenTags(model, data, tagSet);
        return EntityMetrics.FromTags([.. sentences.Select(s => s.Tags)], predicted);
    }

    /// <summary>Predicted tag per CoNLL token of each sentence.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> PredictTokenTags(DenseClassifier model, NerData data, BioTagSet tagSet)
    {
        var features = data.Features;
        var probabilities = model.PredictProbabilities(features.Features, features.WordCount);
        var tags = tagSet.Count;
        var result = new IReadOnlyList<string>[data.TokenFirstWord.Count];
        for (var s = 0; s < result.Length; s++)
        {
            var start = features.Offsets[s];
            var words = features.Offsets[s + 1] - start;
            var path = words == 0 ? [] : BioViterbiDecoder.Decode(probabilities.AsSpan(start * tags, words * tags), words, tagSet);
            result[s] = [.. data.TokenFirstWord[s].Select(w => w < 0 ? BioTagSet.OutsideLabel : tagSet[path[w]])];
        }

        return result;
    }
}
