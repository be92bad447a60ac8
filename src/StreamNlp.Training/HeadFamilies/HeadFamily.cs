using System.Text.Json;
using StreamNlp.Core.Tasks;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Reports;

namespace StreamNlp.Training.HeadFamilies;

/// <summary>
/// The base of every head family: typed options and model, with the untyped <see cref="IHeadFamily"/> members (JSON
/// options, casts, task checks) written once. A new family is a folder under <c>HeadFamilies/</c> with a public
/// class derived from this one (and a public parameterless constructor); <see cref="HeadFamilyCatalog.Default"/> finds it.
/// </summary>
/// <typeparam name="TOptions">The family's options: <see cref="HeadTrainingOptions"/> plus its shape settings.</typeparam>
/// <typeparam name="TModel">The network the family trains.</typeparam>
public abstract class HeadFamily<TOptions, TModel> : IHeadFamily
    where TOptions : HeadTrainingOptions, new()
    where TModel : class, ITrainableModel<TModel>
{
    /// <param name="name">The family's name.</param>
    /// <param name="summary">One line saying what the head computes.</param>
    /// <param name="aliases">Other names <c>--head</c> accepts.</param>
    protected HeadFamily(string name, string summary, params string[] aliases)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Summary = summary;
        Aliases = aliases;
    }

    public string Name { get; }

    public IReadOnlyList<string> Aliases { get; }

    public string Summary { get; }

    public Type OptionsType => typeof(TOptions);

    public abstract bool Supports(NlpTask task);

    public HeadTrainingOptions DefaultOptions() => new TOptions();

    public HeadTrainingOptions ReadOptions(JsonElement options) => HeadOptionsJson.Read<TOptions>(options, Name);

    public JsonElement WriteOptions(HeadTrainingOptions options) => HeadOptionsJson.Write(Typed(options));

    public string Describe(HeadTrainingOptions options) => Describe(Typed(options));

    public TrainedHead Train(HeadTrainingData data, HeadTrainingOptions options, IProgress<EpochReport>? epochs = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var typed = Typed(options);
        if (!Supports(data.Task))
        {
            throw new ArgumentException($"The head family '{Name}' does not build {data.Task.ToName()} heads.", nameof(data));
        }

        typed.Validate();
        var (result, evaluation) = Train(data, typed, epochs, cancellationToken);
        return new TrainedHead(
            new HeadChoice(this, typed), data.Task, result.Model, data.Features.HiddenSize, data.Labels, result.Epochs, result.BestEpoch, evaluation);
    }

    public void Export(TrainedHead head, string onnxPath)
    {
        ArgumentNullException.ThrowIfNull(head);
        if (head.Model is not TModel model || head.Head.Family.GetType() != GetType())
        {
            throw new ArgumentException($"The head was trained by the family '{head.Head.Family.Name}', not '{Name}'.", nameof(head));
        }

        Export(model, head, onnxPath);
    }

    /// <summary>The architecture's short name; see <see cref="IHeadFamily.Describe"/>.</summary>
    protected abstract string Describe(TOptions options);

    /// <summary>Trains with <see cref="HeadTrainingLoop"/> (options already validated, task supported) and scores the best model on the dev data.</summary>
    protected abstract (HeadTrainingResult<TModel> Result, HeadEvaluation Evaluation) Train(
        HeadTrainingData data, TOptions options, IProgress<EpochReport>? epochs, CancellationToken cancellationToken);

    /// <summary>Writes the ONNX graph of <paramref name="model"/>; <paramref name="head"/> gives its task and the encoder width.</summary>
    protected abstract void Export(TModel model, TrainedHead head, string onnxPath);

    private TOptions Typed(HeadTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options as TOptions
            ?? throw new ArgumentException($"The head family '{Name}' takes {typeof(TOptions).Name}, not {options.GetType().Name}.", nameof(options));
    }
}
