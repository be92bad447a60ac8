using StreamNlp.Core.Tasks;

namespace StreamNlp.Kafka.ModelUpdates;

/// <summary>
/// Whatever serves models in this process and wants to hear of new versions: the
/// <see cref="ModelUpdateListener"/> calls it for every valid <c>model-updated</c> event. The enrichment
/// worker's model provider implements it, so this project never depends on the worker.
/// </summary>
public interface IModelUpdateTarget
{
    /// <summary>Asks for <paramref name="version"/> of <paramref name="task"/> to serve from the next batch on (any thread).</summary>
    void RequestUpdate(NlpTask task, string version);
}
