using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.UnitTests.Training.NeuralNetworks;

/// <summary>A one-weight network for <see cref="ScriptedTrainingProblem"/>.</summary>
internal sealed class ScriptedModel(Parameter weight) : ITrainableModel<ScriptedModel>
{
    public Parameter Weight { get; } = weight;

    public IReadOnlyList<Parameter> Parameters => [Weight];

    public ScriptedModel Clone() => new(Weight.Clone());
}
