namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>Whether an adaptation task labels whole texts or token positions.</summary>
public enum AdaptationTaskKind
{
    Sentence,
    Token,
}
