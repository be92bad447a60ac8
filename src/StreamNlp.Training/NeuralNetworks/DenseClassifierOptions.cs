using static StreamNlp.Training.NeuralNetworks.TrainingOptionChecks;

namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// Options of the <c>dense</c> head family (<see cref="DenseClassifierTrainer"/>): the shared settings (defaults
/// unchanged: 10 epochs, batch 64, step 1e-3, dropout 0.1 after each hidden ReLU) and the hidden layer sizes.
/// </summary>
public sealed record DenseClassifierOptions : HeadTrainingOptions
{
    /// <summary>Sizes of the hidden layers; empty (or <c>[0]</c>) is plain softmax regression. Default empty.</summary>
    public IReadOnlyList<int> HiddenSizes { get; init; } = [];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public override void Validate()
    {
        base.Validate();
        Require(HiddenSizes is not null && HiddenSizes.All(h => h >= 0), nameof(HiddenSizes), "must be a list of sizes ≥ 0");
    }
}
