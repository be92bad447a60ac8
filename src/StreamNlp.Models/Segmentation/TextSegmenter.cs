using StreamNlp.Models.Tokenization;

namespace StreamNlp.Models.Segmentation;

/// <summary>
/// Cuts a text into encoder sequences (<see cref="TextSegmentation"/>) and tokenizes them within one token budget per
/// text, <c>StreamNlp:Models:MaxTokens</c>, counting every segment's [CLS] and [SEP]: the encoder reads no more of a
/// text than it did as one sequence. Sentences are taken in order while they fit; the first one is cut at the budget
/// if it alone is longer; reading stops at the first sentence that does not fit, and the text is flagged truncated.
/// Thread-safe.
/// </summary>
public sealed class TextSegmenter(TextTokenizer tokenizer, TextSegmentation mode)
{
    public TextSegmentation Mode { get; } = mode;

    public SegmentedText Segment(string text, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Mode == TextSegmentation.None)
        {
            return SegmentedText.Whole(tokenizer.Tokenize(text, maxTokens));
        }

        var segments = new List<TextSegment>();
        var used = 0;
        var truncated = false;
        foreach (var span in SentenceSplitter.Split(text))
        {
            var remaining = maxTokens - used;
            if (remaining < 3)
            {
                truncated = true;
                break;
            }

            var tokens = tokenizer.Tokenize(text.Substring(span.Start, span.Length), remaining);
            if (tokens.Truncated && segments.Count > 0)
            {
                truncated = true; // this sentence does not fit whole: stop before it
                break;
            }

            segments.Add(new TextSegment(span.Start, tokens));
            used += tokens.Length;
            if (tokens.Truncated)
            {
                truncated = true; // a first sentence longer than the budget, cut like a whole text
                break;
            }
        }

        return segments.Count == 0
            ? SegmentedText.Whole(tokenizer.Tokenize(text, maxTokens)) // white space only: what the tokenizer makes of it
            : new SegmentedText(text, segments, truncated);
    }
}
