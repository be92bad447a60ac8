using StreamNlp.Core.Tasks;
using StreamNlp.Models.Inference;

namespace StreamNlp.Worker.Inference;

/// <summary>
/// Gives the model bundle a batch runs on. A batch takes it once and finishes on it. Head updates
/// are requested from any thread and applied by the batch loop between batches.
/// </summary>
public interface IModelBundleProvider
{
    ModelBundle Current { get; }

    /// <summary>Asks for <paramref name="version"/> of <paramref name="task"/> to serve from the next batch on.</summary>
    void RequestUpdate(NlpTask task, string version);

    /// <summary>Loads and swaps in requested versions. Called by the batch loop when no batch is in flight.</summary>
    IReadOnlyList<HeadSwap> ApplyPendingUpdates();
}
