namespace StreamNlp.Training.NeuralNetworks;

/// <summary>A network <see cref="HeadTrainingLoop"/> can train: its parameters for the optimiser, and a copy of its weights for early stopping.</summary>
/// <typeparam name="TSelf">The network's own type.</typeparam>
public interface ITrainableModel<out TSelf>
    where TSelf : class
{
    /// <summary>Every trainable parameter.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>A deep copy (parameters copied, gradients zero).</summary>
    TSelf Clone();
}
