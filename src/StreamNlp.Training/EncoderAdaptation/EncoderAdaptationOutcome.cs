using StreamNlp.Models.Encoders;

namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>What <c>streamnlp train encoder</c> produced: the definition, where it was written, the built graph, the training figures.</summary>
public sealed record EncoderAdaptationOutcome(AdaptedEncoderDefinition Definition, string Folder, EncoderFiles Files, EncoderAdaptationResult Result);
