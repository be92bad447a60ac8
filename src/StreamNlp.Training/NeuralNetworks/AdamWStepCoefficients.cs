namespace StreamNlp.Training.NeuralNetworks;

/// <summary>The scalars of one AdamW step, shared by every element it updates.</summary>
internal readonly record struct AdamWStepCoefficients(
    float Beta1,
    float Beta2,
    float StepSize,
    float InverseSqrtCorrection2,
    float Epsilon,
    float DecayFactor);
