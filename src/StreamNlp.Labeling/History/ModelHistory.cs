using Microsoft.Extensions.Options;
using StreamNlp.Core.Tasks;
using StreamNlp.Labeling.Api;
using StreamNlp.Models.Configuration;
using StreamNlp.Models.Registry;
using StreamNlp.Retrainer.Configuration;
using StreamNlp.Retrainer.Hosting;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Training.HeadFamilies;

namespace StreamNlp.Labeling.History;

/// <summary>
/// What the page knows about models, read from the two places that already hold it, the same two
/// <c>streamnlp models list</c> reads: the model registry folder (every version's manifest with its dev metrics;
/// shared by design, since every worker loads heads from it on <c>model-updated</c>) and the retrainer's SQLite
/// store (every decision with champion and challenger numbers; rejections are recorded nowhere else). Both are
/// only read: the registry is not created or seeded, the store is opened only when its file exists.
/// </summary>
public sealed class ModelHistory(IOptions<ModelOptions> models, IOptions<RetrainerOptions> retrainer)
{
    private const int DecisionLimit = 50;

    /// <summary>The registry folder (<c>StreamNlp:Models:Directory</c>, else the per-user default).</summary>
    public string RegistryPath => Path.GetFullPath(ConfiguredRegistry.PathOf(models.Value));

    /// <summary>The retrainer's store (<c>StreamNlp:Retrainer:DatabasePath</c>, else the per-user default).</summary>
    public string DecisionsPath => Path.GetFullPath(retrainer.Value.DatabasePath ?? RetrainerWorker.DefaultDatabasePath);

    public ModelsView Read()
    {
        var registry = new ModelRegistry(RegistryPath);
        var found = Directory.Exists(registry.Root);
        var runs = ReadRuns();
        var tasks = new List<TaskModelsView>();
        foreach (var task in NlpTaskNames.All)
        {
            var metric = task == NlpTask.Ner ? "f1" : "accuracy";
            var current = found ? registry.CurrentVersion(task) : null;
            var versions = new List<ModelVersionView>();
            foreach (var version in found ? registry.Versions(task) : [])
            {
                HeadManifest manifest;
                try
                {
                    manifest = ModelRegistry.ReadManifest(registry.VersionDirectory(task, version));
                }
                catch (ModelIntegrityException)
                {
                    continue; // a version being written, or damaged: the registry refuses it too
                }

                var asChallenger = runs.FirstOrDefault(r => r.Task == task && r.ChallengerVersion == version);
                var scored = runs.FirstOrDefault(r => r.Task == task && (r.ChallengerVersion == version || r.ChampionVersion == version));
                var holdout = scored is null ? null
                    : Finite((scored.ChallengerVersion == version ? scored.Challenger : scored.Champion).GetValueOrDefault("feedbackHoldout", double.NaN));
                versions.Add(new ModelVersionView(
                    version,
                    manifest.CreatedAt,
                    HeadFamilyCatalog.Default.Describe(manifest),
                    version == current,
                    manifest.Metrics.TryGetValue(metric, out var dev) ? Finite(dev) : null,
                    holdout,
                    asChallenger?.Decision,
                    manifest.Metrics));
            }

            tasks.Add(new TaskModelsView(task.ToName(), current, metric, versions));
        }

        return new ModelsView(
            registry.Root,
            found,
            File.Exists(DecisionsPath) ? DecisionsPath : null,
            tasks,
            [.. runs.Select(r => new RetrainDecisionView(
                r.Task.ToName(), r.StartedAt, r.FinishedAt, r.Examples, r.ChampionVersion, r.ChallengerVersion,
                Nullable(r.Champion), Nullable(r.Challenger), r.Decision, r.Reason))]);
    }

    /// <summary>The labels the task's current version knows (entity types for ner, without BIO prefixes); empty when unknown.</summary>
    public IReadOnlyList<string> Labels(NlpTask task)
    {
        var registry = new ModelRegistry(RegistryPath);
        if (!Directory.Exists(registry.Root) || registry.CurrentVersion(task) is not { } current)
        {
            return [];
        }

        try
        {
            var labels = ModelRegistry.ReadManifest(registry.VersionDirectory(task, current)).Labels;
            return task == NlpTask.Ner
                ? [.. labels.Where(l => l != "O").Select(l => l.Length > 2 && l[1] == '-' ? l[2..] : l).Distinct(StringComparer.Ordinal)]
                : labels;
        }
        catch (ModelIntegrityException)
        {
            return [];
        }
    }

    private IReadOnlyList<RetrainRun> ReadRuns()
    {
        if (!File.Exists(DecisionsPath))
        {
            return [];
        }

        using var store = new FeedbackStore(DecisionsPath);
        return store.Runs(limit: DecisionLimit);
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static Dictionary<string, double?> Nullable(IReadOnlyDictionary<string, double> metrics) =>
        metrics.ToDictionary(m => m.Key, m => Finite(m.Value), StringComparer.Ordinal);
}
