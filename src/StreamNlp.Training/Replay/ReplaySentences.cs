using StreamNlp.Training.Data;

namespace StreamNlp.Training.Replay;

/// <summary>The replayed sentences of the NER task (IOB2 tags).</summary>
public sealed record ReplaySentences(IReadOnlyList<ConllSentence> Train, IReadOnlyList<ConllSentence> Dev);
