using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Ner;
using StreamNlp.Training.Data;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// Feedback drawn from the shared data for the feedback benchmarks, one shifted set per task: sentiment from a
/// review domain (whole raw reviews, not SST-2 phrases), topic from AG News rows outside the shipped replay set (no
/// other topic data is shared, so this is in-domain), NER from CoNLL training sentences written in lower case (text
/// without capitals, as in chat or search queries; the shape features the NER head reads change, the uncased encoder's
/// states do not).
/// </summary>
internal static class RealFeedback
{
    public static string ReviewFile(string dataRoot, string domain, string split) => Path.Combine(dataRoot, "sentiment", "reviews", domain, $"{split}.jsonl");

    public static string AgNews(string dataRoot, string split) => Path.Combine(dataRoot, "topic", "agnews", $"{split}.jsonl");

    public static string Conll(string dataRoot, string split) => Path.Combine(dataRoot, "ner", "conll2003", $"{split}.txt");

    /// <summary><paramref name="count"/> labelled reviews of <paramref name="domain"/>'s training split, shuffled with <paramref name="seed"/>.</summary>
    public static IReadOnlyList<FeedbackExample> Sentiment(string dataRoot, string domain, int count, int seed) =>
        [.. Shuffled(LabeledTextReader.Read(ReviewFile(dataRoot, domain, "train")), seed).Take(count)
            .Select(r => new FeedbackExample(NlpTask.Sentiment, r.Text, r.Label, Source: "bench"))];

    /// <summary>
    /// <paramref name="count"/> AG News training rows that are neither in <paramref name="exclude"/> (the replay set) nor
    /// in dev (the sample's train file repeats every dev row; the retrainer would drop those).
    /// </summary>
    public static IReadOnlyList<FeedbackExample> Topic(string dataRoot, int count, int seed, IReadOnlySet<string> exclude)
    {
        var dev = LabeledTextReader.Read(AgNews(dataRoot, "dev")).Select(r => r.Text).ToHashSet(StringComparer.Ordinal);
        return [.. Shuffled(LabeledTextReader.Read(AgNews(dataRoot, "train")), seed).Where(r => !exclude.Contains(r.Text) && !dev.Contains(r.Text)).Take(count)
            .Select(r => new FeedbackExample(NlpTask.Classification, r.Text, r.Label, Source: "bench"))];
    }

    /// <summary><paramref name="count"/> CoNLL training sentences not in <paramref name="exclude"/> (by their text), lower-cased, as text with entity spans.</summary>
    public static IReadOnlyList<FeedbackExample> Ner(string dataRoot, int count, int seed, IReadOnlySet<string> exclude) =>
        [.. Shuffled(ConllReader.Read(Conll(dataRoot, "train")), seed)
            .Where(s => s.Tokens.Count >= 4 && !exclude.Contains(ConllReader.ToText(s).Text))
            .Take(count)
            .Select(s => NerExample(Lowercase(s)))];

    /// <summary>A sentence with every token lower-cased (tags unchanged).</summary>
    public static ConllSentence Lowercase(ConllSentence sentence) =>
        new([.. sentence.Tokens.Select(t => t.ToLowerInvariant())], sentence.Tags);

    /// <summary>A CoNLL sentence as NER feedback: its text and its entities as character spans.</summary>
    public static FeedbackExample NerExample(ConllSentence sentence)
    {
        var conll = ConllReader.ToText(sentence);
        var entities = BioSpans.FromTags(sentence.Tags)
            .Select(s => new FeedbackEntity(conll.TokenSpans[s.Start].Start, conll.TokenSpans[s.End - 1].End, s.Type))
            .ToList();
        return new FeedbackExample(NlpTask.Ner, conll.Text, Entities: entities, Source: "bench");
    }

    private static T[] Shuffled<T>(IReadOnlyList<T> rows, int seed)
    {
        var array = rows.ToArray();
        new SeededRandom(unchecked((ulong)seed)).Shuffle(array.AsSpan());
        return array;
    }
}
