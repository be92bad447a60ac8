using StreamNlp.Core.Tasks;
using StreamNlp.Models.Inference;
using StreamNlp.Models.Segmentation;

namespace StreamNlp.Retrainer.Challengers;

/// <summary>
/// Labelled texts as the worker reads them (<see cref="TextSegmenter"/>, the serving setting and token budget): every
/// text's sentences, flat, with the text each belongs to. A challenger of a sentence task learns from the sentences
/// (each with its text's label) and is judged on the texts, each text's label combined from its sentences exactly as
/// the worker combines them (<see cref="SegmentVotes"/>). With <see cref="TextSegmentation.None"/> every text is one row.
/// </summary>
public sealed class FeedbackSentences
{
    private FeedbackSentences(IReadOnlyList<string> sentences, IReadOnlyList<int> owners, IReadOnlyList<int> tokens, int texts)
    {
        Sentences = sentences;
        Owners = owners;
        Tokens = tokens;
        TextCount = texts;
    }

    /// <summary>Every text's sentences, in text order.</summary>
    public IReadOnlyList<string> Sentences { get; }

    /// <summary>The index of the text each sentence belongs to.</summary>
    public IReadOnlyList<int> Owners { get; }

    /// <summary>Each sentence's encoder positions ([CLS] and [SEP] included): topic weighs sentences by them.</summary>
    public IReadOnlyList<int> Tokens { get; }

    public int TextCount { get; }

    public static FeedbackSentences Of(IReadOnlyList<string> texts, TextSegmenter segmenter, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(segmenter);
        var sentences = new List<string>();
        var owners = new List<int>();
        var tokens = new List<int>();
        for (var t = 0; t < texts.Count; t++)
        {
            foreach (var segment in segmenter.Segment(texts[t], maxTokens).Segments)
            {
                sentences.Add(segment.Tokens.Text);
                owners.Add(t);
                tokens.Add(segment.Tokens.Length);
            }
        }

        return new FeedbackSentences(sentences, owners, tokens, texts.Count);
    }

    /// <summary>
    /// Each sentence's share of its text, as <see cref="SegmentVotes"/> weighs it (<see cref="SegmentVotes.Weight"/>,
    /// normalized per text): what a training row of this sentence weighs within its text.
    /// </summary>
    public float[] ShareInText(NlpTask task)
    {
        var totals = new double[TextCount];
        for (var s = 0; s < Sentences.Count; s++)
        {
            totals[Owners[s]] += SegmentVotes.Weight(task, Tokens[s]);
        }

        return [.. Owners.Select((owner, s) => (float)(SegmentVotes.Weight(task, Tokens[s]) / totals[owner]))];
    }

    /// <summary>
    /// Each text's probabilities (<c>texts × labels</c>) from its sentences' (<paramref name="sentenceProbabilities"/>,
    /// <c>sentences × labels</c>).
    /// </summary>
    public float[] Combine(NlpTask task, ReadOnlySpan<float> sentenceProbabilities, int labels)
    {
        var rows = new List<float[]>[TextCount];
        var weights = new List<int>[TextCount];
        for (var s = 0; s < Sentences.Count; s++)
        {
            var owner = Owners[s];
            (rows[owner] ??= []).Add(sentenceProbabilities.Slice(s * labels, labels).ToArray());
            (weights[owner] ??= []).Add(Tokens[s]);
        }

        var combined = new float[TextCount * labels];
        for (var t = 0; t < TextCount; t++)
        {
            // Every text has at least one sentence (a segmented text never has none).
            SegmentVotes.Combine(task, rows[t], weights[t], labels).CopyTo(combined.AsSpan(t * labels, labels));
        }

        return combined;
    }
}
