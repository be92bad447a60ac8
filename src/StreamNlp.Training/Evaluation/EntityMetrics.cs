using System.Globalization;
using System.Text;
using StreamNlp.Models.Ner;

namespace StreamNlp.Training.Evaluation;

/// <summary>
/// Entity-level precision, recall and F1 as conlleval counts them: a predicted entity is correct only when a gold
/// entity of the same sentence has exactly the same start, end and type. A span off by one word is both a false
/// positive and a false negative.
/// </summary>
public sealed class EntityMetrics
{
    private EntityMetrics(PrecisionRecallF1 overall, Dictionary<string, PrecisionRecallF1> perType, int sentences)
    {
        Overall = overall;
        PerType = perType;
        Types = [.. perType.Keys.Order(StringComparer.Ordinal)];
        Sentences = sentences;
    }

    /// <summary>Counts over all entity types (micro-averaged precision, recall, F1).</summary>
    public PrecisionRecallF1 Overall { get; }

    /// <summary>Counts per entity type, for every type seen in gold or predictions.</summary>
    public IReadOnlyDictionary<string, PrecisionRecallF1> PerType { get; }

    /// <summary>The entity types, in ordinal order.</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>Number of sentences compared.</summary>
    public int Sentences { get; }

    /// <summary>Compares BIO tag sequences, one gold and one predicted sequence per sentence, of equal lengths.</summary>
    public static EntityMetrics FromTags(
        IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        CheckSentenceCounts(gold.Count, predicted.Count);
        var goldSpans = new IReadOnlyList<EntitySpan>[gold.Count];
        var predictedSpans = new IReadOnlyList<EntitySpan>[gold.Count];
        for (var i = 0; i < gold.Count; i++)
        {
            if (gold[i].Count != predicted[i].Count)
            {
                throw new ArgumentException(
                    $"Sentence {i} has {gold[i].Count} gold tags but {predicted[i].Count} predicted tags.", nameof(predicted));
            }

            goldSpans[i] = BioSpans.FromTags(gold[i]);
            predictedSpans[i] = BioSpans.FromTags(predicted[i]);
        }

        return FromSpans(goldSpans, predictedSpans);
    }

    /// <summary>Compares entity spans, one gold and one predicted list per sentence.</summary>
    public static EntityMetrics FromSpans(
        IReadOnlyList<IReadOnlyList<EntitySpan>> gold, IReadOnlyList<IReadOnlyList<EntitySpan>> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        CheckSentenceCounts(gold.Count, predicted.Count);
        var counts = new Dictionary<string, (int Tp, int Fp, int Fn)>(StringComparer.Ordinal);
        for (var i = 0; i < gold.Count; i++)
        {
            var goldSet = gold[i].ToHashSet();
            var predictedSet = predicted[i].ToHashSet();
            foreach (var span in predictedSet)
            {
                var entry = counts.GetValueOrDefault(span.Type);
                counts[span.Type] = goldSet.Contains(span) ? entry with { Tp = entry.Tp + 1 } : entry with { Fp = entry.Fp + 1 };
            }

            foreach (var span in goldSet)
            {
                if (!predictedSet.Contains(span))
                {
                    var entry = counts.GetValueOrDefault(span.Type);
                    counts[span.Type] = entry with { Fn = entry.Fn + 1 };
                }
            }
        }

        var perType = counts.ToDictionary(
            pair => pair.Key, pair => new PrecisionRecallF1(pair.Value.Tp, pair.Value.Fp, pair.Value.Fn), StringComparer.Ordinal);
        var overall = new PrecisionRecallF1(
            perType.Values.Sum(s => s.TruePositives),
            perType.Values.Sum(s => s.FalsePositives),
            perType.Values.Sum(s => s.FalseNegatives));
        return new EntityMetrics(overall, perType, gold.Count);
    }

    /// <summary>A plain-text table in the spirit of conlleval's output.</summary>
    public string FormatReport()
    {
        var culture = CultureInfo.InvariantCulture;
        var builder = new StringBuilder();
        builder.AppendLine(culture, $"{Sentences} sentences, {Overall.Support} gold entities, {Overall.Predicted} predicted, {Overall.TruePositives} correct");
        builder.AppendLine(culture, $"overall  precision {Overall.Precision:P2}  recall {Overall.Recall:P2}  F1 {Overall.F1:P2}");
        foreach (var type in Types)
        {
            var score = PerType[type];
            builder.AppendLine(culture, $"{type,7}  precision {score.Precision:P2}  recall {score.Recall:P2}  F1 {score.F1:P2}  ({score.Support} gold, {score.Predicted} predicted)");
        }

        return builder.ToString();
    }

    private static void CheckSentenceCounts(int gold, int predicted)
    {
        if (gold != predicted)
        {
            throw new ArgumentException($"{gold} gold sentences but {predicted} predicted sentences.");
        }
    }
}
