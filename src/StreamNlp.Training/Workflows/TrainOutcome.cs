using StreamNlp.Models.Registry;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Training.Workflows;

/// <summary>A trained, exported and registered head version.</summary>
public sealed record TrainOutcome(HeadManifest Manifest, string VersionDirectory, IReadOnlyList<EpochReport> Epochs, int BestEpoch, string Report);
