using StreamNlp.Core.Tasks;

namespace StreamNlp.Kafka.ModelUpdates;

/// <summary>
/// Whatever serves models in this process and wants to hear of new versions: the
/// <see cref="ModelUpdateListener"/> calls every registered target, in turn, for every valid <c>model-updated</c>
/// event. The enrichment worker's model provider and the retrainer's registry follower implement it, so this
/// project never depends on the worker, the retrainer or the models.
/// </summary>
public interface IModelUpdateTarget
{
    /// <summary>
    /// Writes a received artifact (a version's files, as one archive) into this process's registry. Returns
    /// null when the version is there afterwards (written now, or already present and identical), else the
    /// reason it was refused; a refused version is not requested, and the serving head stays.
    /// </summary>
    string? ImportArtifact(NlpTask task, string version, byte[] artifact);

    /// <summary>Asks for <paramref name="version"/> of <paramref name="task"/> to serve from the next batch on (any thread).</summary>
    void RequestUpdate(NlpTask task, string version);
}
