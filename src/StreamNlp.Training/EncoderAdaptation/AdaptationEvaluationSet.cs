using StreamNlp.Training.Workflows;

namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>A labelled set scored, never trained on: its frozen-bottom states and labels.</summary>
public sealed record AdaptationEvaluationSet(string Name, TokenStates States, int[] Labels);
