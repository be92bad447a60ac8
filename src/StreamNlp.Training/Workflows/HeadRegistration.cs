using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Registry;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.Replay;
using StreamNlp.Training.Reports;

namespace StreamNlp.Training.Workflows;

/// <summary>
/// Writes a trained head into a new registry version: the ONNX graph, <c>report.txt</c>, the report
/// files (metrics JSON and plots) and the manifest with the head's <c>{family, options}</c> and every file's SHA-256;
/// optionally its replay set (<see cref="ReplaySet"/>), and optionally makes it current. Shared by <c>streamnlp train</c> and the retrainer, for every head family.
/// </summary>
public static class HeadRegistration
{
    public static TrainOutcome Register(
        ModelRegistry registry,
        NlpTask task,
        EncoderDescriptor encoder,
        TrainedHead head,
        TrainingRecord training,
        bool promote,
        ReplaySet? replay = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(head);
        var version = registry.NextVersion(task);
        var directory = registry.VersionDirectory(task, version);
        Directory.CreateDirectory(directory);
        head.ExportOnnx(Path.Combine(directory, HeadContract.FileName));
        var evaluation = head.Evaluation;
        File.WriteAllText(Path.Combine(directory, "report.txt"), evaluation.Text);
        var reportFiles = TrainingReportWriter.Write(
            directory, $"{task.ToName()} {version} ({head.Head.Describe()})", evaluation.MetricName, head.Epochs, head.BestEpoch,
            evaluation.Detail, evaluation.MatrixLabels, evaluation.Confusion);
        var replayFiles = replay?.WriteTo(directory) ?? [];
        var manifest = ModelRegistry.WriteManifest(directory, new HeadManifest
        {
            Task = task.ToName(),
            Version = version,
            Head = head.Head.ToRecipe(),
            Labels = head.Labels,
            CreatedAt = DateTimeOffset.UtcNow,
            Encoder = new EncoderReference(encoder.Name, encoder.ModelSha256),
            Files = new Dictionary<string, string>(),
            Metrics = evaluation.Metrics,
            Training = training,
            Replay = replay?.Record,
        }, [HeadContract.FileName, "report.txt", .. reportFiles, .. replayFiles]);
        if (promote)
        {
            registry.Promote(task, version, encoder.ModelSha256);
        }

        return new TrainOutcome(manifest, directory, head.Epochs, head.BestEpoch, evaluation.Text);
    }
}
