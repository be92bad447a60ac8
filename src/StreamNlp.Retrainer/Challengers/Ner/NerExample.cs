using StreamNlp.Models.Ner;
using StreamNlp.Training.Data;

namespace StreamNlp.Retrainer.Challengers.Ner;

/// <summary>
/// One labelled NER text: the text itself (what the encoder reads when scoring), the same text as a sentence of
/// the tokenizer's words with IOB2 tags (what training reads), and its gold entities as word spans.
/// </summary>
public sealed record NerExample(string Text, ConllSentence Sentence, IReadOnlyList<EntitySpan> Gold);
