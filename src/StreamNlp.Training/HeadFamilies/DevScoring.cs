using StreamNlp.Models.Ner;
using StreamNlp.Training.Data;
using StreamNlp.Training.Evaluation;
using StreamNlp.Training.Reports;

namespace StreamNlp.Training.HeadFamilies;

/// <summary>The dev evaluations every family reports, the same way: sentence labels, or entities on CoNLL tokens.</summary>
public static class DevScoring
{
    /// <summary>
    /// Accuracy, macro-F1 and confusion of a sentence head: <paramref name="predictedKnown"/> are the predictions for the
    /// dev rows whose label the head knows (in order); rows with a label it cannot know count as errors, not as absent.
    /// </summary>
    public static HeadEvaluation Classification(IReadOnlyList<string> labels, IReadOnlyList<LabeledText> dev, IReadOnlyList<string> predictedKnown)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(dev);
        var known = labels.ToHashSet(StringComparer.Ordinal);
        var unknown = dev.Where(d => !known.Contains(d.Label)).ToList();
        return HeadEvaluation.FromClassification(ClassificationMetrics.Compute(
            labels,
            [.. dev.Where(d => known.Contains(d.Label)).Select(d => d.Label), .. unknown.Select(d => d.Label)],
            [.. predictedKnown, .. unknown.Select(_ => labels[0])]));
    }

    /// <summary>Entity scores and the token-tag confusion of predicted CoNLL tags against gold.</summary>
    public static HeadEvaluation Entities(IReadOnlyList<ConllSentence> gold, IReadOnlyList<IReadOnlyList<string>> predicted, BioTagSet tagSet)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(tagSet);
        return HeadEvaluation.FromEntities(
            EntityMetrics.FromTags([.. gold.Select(s => s.Tags)], predicted),
            ClassificationMetrics.Compute(tagSet.Labels, [.. gold.SelectMany(s => s.Tags)], [.. predicted.SelectMany(p => p)]));
    }
}
