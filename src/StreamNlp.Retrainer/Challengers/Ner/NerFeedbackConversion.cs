using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Models.Ner;
using StreamNlp.Models.Tokenization;
using StreamNlp.Training.Data;

namespace StreamNlp.Retrainer.Challengers.Ner;

/// <summary>
/// Turns NER feedback (a text with character-span entities) into what the token heads train and are scored on:
/// a <see cref="ConllSentence"/> whose tokens are the tokenizer's words of the text and whose tags are IOB2. A word
/// belongs to an entity when its first character lies inside the entity's span; the entity's first such word gets
/// <c>B-TYPE</c>, later ones <c>I-TYPE</c>. Any entity type is accepted, so new types extend the tag set.
/// </summary>
public static class NerFeedbackConversion
{
    /// <summary>The words of <paramref name="text"/> with their IOB2 tags under <paramref name="entities"/> (none: all <c>O</c>).</summary>
    public static ConllSentence ToSentence(TextTokenizer tokenizer, string text, IReadOnlyList<FeedbackEntity>? entities)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(text);
        // No token limit here: gold covers the whole text; words a head cannot see after truncation count as missed.
        var words = tokenizer.Tokenize(text, int.MaxValue).Words;
        var tokens = new string[words.Count];
        var tags = new string[words.Count];
        var ordered = (entities ?? []).OrderBy(e => e.Start).ToArray();
        var entity = 0;
        var open = -1;
        for (var w = 0; w < words.Count; w++)
        {
            var start = words[w].Start;
            tokens[w] = text[start..words[w].End];
            while (entity < ordered.Length && ordered[entity].End <= start)
            {
                entity++;
            }

            var inside = entity < ordered.Length && ordered[entity].Start <= start ? entity : -1;
            tags[w] = inside < 0
                ? BioTagSet.OutsideLabel
                : (inside == open ? "I-" : "B-") + ordered[inside].Label;
            open = inside;
        }

        return new ConllSentence(tokens, tags);
    }

    /// <summary>A feedback example prepared for training and scoring: its text, word-level sentence and gold entities.</summary>
    public static NerExample ToExample(TextTokenizer tokenizer, string text, IReadOnlyList<FeedbackEntity>? entities)
    {
        var sentence = ToSentence(tokenizer, text, entities);
        return new NerExample(text, sentence, BioSpans.FromTags(sentence.Tags));
    }

    /// <summary>
    /// A CoNLL sentence as the text heads see (<see cref="ConllReader.ToText"/>) with its gold entities re-read on the
    /// tokenizer's words, so base dev data is scored exactly like feedback.
    /// </summary>
    public static NerExample FromConll(TextTokenizer tokenizer, ConllSentence sentence)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        var conll = ConllReader.ToText(sentence);
        var entities = BioSpans.FromTags(sentence.Tags)
            .Select(s => new FeedbackEntity(conll.TokenSpans[s.Start].Start, conll.TokenSpans[s.End - 1].End, s.Type))
            .ToList();
        return ToExample(tokenizer, conll.Text, entities);
    }
}
