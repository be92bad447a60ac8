using StreamNlp.Training.Data;

namespace StreamNlp.Training.Workflows;

/// <summary>
/// Never train on dev: drops training rows whose text also appears in the dev set. (The AG News
/// sample in ../shared/data repeats all 999 dev rows in its train file, and CoNLL-2003 repeats 193
/// short dev sentences; left in, they turn dev scores into memorisation scores.)
/// </summary>
public static class DevOverlap
{
    public static IReadOnlyList<LabeledText> Remove(IReadOnlyList<LabeledText> train, IReadOnlyList<LabeledText> dev, out int removed)
    {
        var devTexts = dev.Select(d => d.Text).ToHashSet(StringComparer.Ordinal);
        var kept = train.Where(t => !devTexts.Contains(t.Text)).ToList();
        removed = train.Count - kept.Count;
        return kept;
    }

    public static IReadOnlyList<ConllSentence> Remove(IReadOnlyList<ConllSentence> train, IReadOnlyList<ConllSentence> dev, out int removed)
    {
        var devTexts = dev.Select(d => string.Join(' ', d.Tokens)).ToHashSet(StringComparer.Ordinal);
        var kept = train.Where(t => !devTexts.Contains(string.Join(' ', t.Tokens))).ToList();
        removed = train.Count - kept.Count;
        return kept;
    }
}
