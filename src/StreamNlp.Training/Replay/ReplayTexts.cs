using StreamNlp.Training.Data;

namespace StreamNlp.Training.Replay;

/// <summary>The replayed rows of a sentence task (classification, sentiment).</summary>
public sealed record ReplayTexts(IReadOnlyList<LabeledText> Train, IReadOnlyList<LabeledText> Dev);
