using StreamNlp.Core.Contracts;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Inference;
using StreamNlp.Models.Ner;
using StreamNlp.Training.Data;
using StreamNlp.Training.Reports;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Training.Evaluation;

/// <summary>
/// Scores served models on labelled data through the same path the worker uses (tokenizer, one
/// encoder run per batch, ONNX heads, Viterbi decoding, character spans), so the figures describe
/// what consumers of enriched records get.
/// </summary>
public static class ModelEvaluator
{
    public static HeadEvaluation EvaluateSequence(
        ModelBundle bundle, NlpTask task, IReadOnlyList<LabeledText> data, int maxTokens, int batchSize = 64, IProgress<EncodingProgress>? progress = null)
    {
        if (task == NlpTask.Ner)
        {
            throw new ArgumentException("Use EvaluateNer for NER.", nameof(task));
        }

        var annotations = Annotate(bundle, [.. data.Select(d => d.Text)], maxTokens, batchSize, progress);
        var predicted = annotations.Select(a => (task == NlpTask.Classification ? a.Classification : a.Sentiment)!.Label).ToList();
        var metrics = ClassificationMetrics.Compute(bundle.Heads[task].Labels, [.. data.Select(d => d.Label)], predicted);
        return HeadEvaluation.FromClassification(metrics);
    }

    public static HeadEvaluation EvaluateNer(
        ModelBundle bundle, IReadOnlyList<ConllSentence> data, int maxTokens, int batchSize = 64, IProgress<EncodingProgress>? progress = null)
    {
        var texts = data.Select(ConllReader.ToText).ToArray();
        var annotations = Annotate(bundle, [.. texts.Select(t => t.Text)], maxTokens, batchSize, progress);
        var predicted = texts.Select((t, i) => TokenTags(t, annotations[i].Entities)).ToList();
        return HeadFamilies.DevScoring.Entities(data, predicted, new BioTagSet(bundle.Heads[NlpTask.Ner].Labels));
    }

    /// <summary>
    /// Turns character-span entities back into one BIO tag per CoNLL token: a token that starts an
    /// entity gets B-type, a later token inside it I-type, any other O.
    /// </summary>
    public static IReadOnlyList<string> TokenTags(ConllText text, IReadOnlyList<EntityMention> entities)
    {
        var tags = new string[text.TokenSpans.Count];
        for (var k = 0; k < tags.Length; k++)
        {
            var start = text.TokenSpans[k].Start;
            var entity = entities.FirstOrDefault(e => e.Start <= start && start < e.End);
            tags[k] = entity is null ? BioTagSet.OutsideLabel : (entity.Start == start ? "B-" : "I-") + entity.Label;
        }

        return tags;
    }

    /// <summary>
    /// Annotates every text through the bundle as the worker does: each text cut into its segments
    /// (<see cref="ModelBundle.Segmenter"/>), in batches of texts sorted by length, each batch's segments in passes of
    /// similar length. Returns the annotations in input order.
    /// </summary>
    public static TextAnnotation[] Annotate(ModelBundle bundle, IReadOnlyList<string> texts, int maxTokens, int batchSize = 64, IProgress<EncodingProgress>? progress = null)
    {
        var segmented = texts.Select(t => bundle.Segment(t, maxTokens)).ToArray();
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => segmented[i].TokenCount).ToArray();
        var results = new TextAnnotation[texts.Count];
        for (var start = 0; start < order.Length; start += batchSize)
        {
            var indices = order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray();
            var annotations = bundle.AnnotateSegmented([.. indices.Select(i => segmented[i])], maxPaddingWaste: PassPaddingWaste).Annotations;
            for (var b = 0; b < indices.Length; b++)
            {
                results[indices[b]] = annotations[b];
            }

            progress?.Report(new EncodingProgress("evaluate", start + indices.Length, texts.Count));
        }

        return results;
    }

    /// <summary>The worker's default <c>StreamNlp:Batching:MaxPaddingWaste</c>.</summary>
    private const double PassPaddingWaste = 0.10;
}
