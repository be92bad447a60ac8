namespace StreamNlp.Training.NeuralNetworks;

/// <summary>What one training mini-batch gave: its mean loss over the scored rows, how many rows it scored, how many it got right.</summary>
/// <param name="MeanLoss">Mean (class-weighted, if enabled) cross-entropy over <paramref name="Scored"/> rows.</param>
/// <param name="Scored">Rows (examples, or labelled positions) the loss covers.</param>
/// <param name="Correct">Scored rows whose training-mode prediction was right.</param>
public readonly record struct BatchOutcome(double MeanLoss, int Scored, int Correct);
