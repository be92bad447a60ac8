using StreamNlp.Kafka.ModelUpdates;
using StreamNlp.Models.Inference;

namespace StreamNlp.Worker.Inference;

/// <summary>
/// Gives the model bundle a batch runs on. A batch takes it once and finishes on it. Head updates
/// are requested from any thread and applied by the batch loop between batches.
/// </summary>
public interface IModelBundleProvider : IModelUpdateTarget
{
    ModelBundle Current { get; }

    /// <summary>Loads and swaps in requested versions. Called by the batch loop when no batch is in flight.</summary>
    IReadOnlyList<HeadSwap> ApplyPendingUpdates();
}
