namespace StreamNlp.Training.Data;

/// <summary>One labeled example for a sequence-level task (topic, sentiment).</summary>
public sealed record LabeledText(string Text, string Label);
