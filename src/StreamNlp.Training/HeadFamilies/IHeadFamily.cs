using System.Text.Json;
using StreamNlp.Core.Tasks;
using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.Training.HeadFamilies;

/// <summary>
/// A kind of task head that can be trained on the frozen encoder's features and exported as an ONNX graph the workers
/// serve. <c>streamnlp train --head NAME</c>, the training workflow and the retrainer find families by name in the
/// <see cref="HeadFamilyCatalog"/>; the manifest records <c>{family, options}</c> (a <see cref="Models.Registry.HeadRecipe"/>).
/// Derive from <see cref="HeadFamily{TOptions, TModel}"/> rather than implementing this directly.
/// </summary>
public interface IHeadFamily
{
    /// <summary>The name the CLI, the catalog and manifests use, e.g. <c>dense</c>.</summary>
    string Name { get; }

    /// <summary>Other names <c>--head</c> accepts for this family.</summary>
    IReadOnlyList<string> Aliases { get; }

    /// <summary>One line saying what the head computes, for help texts and docs.</summary>
    string Summary { get; }

    /// <summary>The family's options record (derived from <see cref="HeadTrainingOptions"/>).</summary>
    Type OptionsType { get; }

    /// <summary>Whether the family can build a head for <paramref name="task"/> (sentence labels, or BIO tags for NER).</summary>
    bool Supports(NlpTask task);

    /// <summary>The family's default options.</summary>
    HeadTrainingOptions DefaultOptions();

    /// <summary>The family's options from their JSON form (camelCase names; settings left out keep their defaults).</summary>
    /// <exception cref="ArgumentException">Not a JSON object, an option the family does not have, or a value of the wrong type.</exception>
    HeadTrainingOptions ReadOptions(JsonElement options);

    /// <summary>The JSON form of <paramref name="options"/>, every setting written out.</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> are not this family's.</exception>
    JsonElement WriteOptions(HeadTrainingOptions options);

    /// <summary>A short name of the architecture the options build, e.g. <c>mlp-512</c> or <c>k3-3-c256</c>.</summary>
    string Describe(HeadTrainingOptions options);

    /// <summary>Trains a head on <paramref name="data"/> with the shared <see cref="HeadTrainingLoop"/> and scores it on the dev data.</summary>
    /// <exception cref="ArgumentException">The family does not support the data's task, or the options or data are invalid.</exception>
    TrainedHead Train(HeadTrainingData data, HeadTrainingOptions options, IProgress<EpochReport>? epochs = null, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="head"/> (trained by this family) as an ONNX graph that reads the encoder's output.</summary>
    void Export(TrainedHead head, string onnxPath);
}
