using StreamNlp.Models.Registry;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Training.HeadFamilies;

/// <summary>A head family with the options to train it with: what <c>--head</c> and its flags, or a champion's manifest, select.</summary>
/// <param name="Family">The family.</param>
/// <param name="Options">Options of the family's own type.</param>
public sealed record HeadChoice(IHeadFamily Family, HeadTrainingOptions Options)
{
    /// <summary>The <c>{family, options}</c> a manifest records.</summary>
    public HeadRecipe ToRecipe() => new(Family.Name, Family.WriteOptions(Options));

    /// <summary>The family's name and its architecture, e.g. <c>dense mlp-512</c>.</summary>
    public string Describe() => $"{Family.Name} {Family.Describe(Options)}";

    /// <summary>Trains a head of this family with these options.</summary>
    public TrainedHead Train(HeadTrainingData data, IProgress<EpochReport>? epochs = null, CancellationToken cancellationToken = default) =>
        Family.Train(data, Options, epochs, cancellationToken);
}
