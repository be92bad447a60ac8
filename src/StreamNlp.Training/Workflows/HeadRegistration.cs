using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Registry;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Reports;

namespace StreamNlp.Training.Workflows;

/// <summary>
/// Writes a trained head into a new registry version: the ONNX graph, <c>report.txt</c>, the report
/// files (metrics JSON and plots) and the manifest with every file's SHA-256; optionally makes it
/// current. Shared by <c>streamnlp train</c> and the retrainer, for every head kind.
/// </summary>
public static class HeadRegistration
{
    public static TrainOutcome Register(
        ModelRegistry registry,
        NlpTask task,
        EncoderDescriptor encoder,
        string kind,
        IReadOnlyList<string> labels,
        IReadOnlyList<EpochReport> epochs,
        int bestEpoch,
        TrainingRecord training,
        HeadEvaluation evaluation,
        Action<string> export,
        bool promote)
    {
        var version = registry.NextVersion(task);
        var directory = registry.VersionDirectory(task, version);
        Directory.CreateDirectory(directory);
        export(directory);
        File.WriteAllText(Path.Combine(directory, "report.txt"), evaluation.Text);
        var reportFiles = TrainingReportWriter.Write(
            directory, $"{task.ToName()} {version} ({kind})", evaluation.MetricName, epochs, bestEpoch,
            evaluation.Detail, evaluation.MatrixLabels, evaluation.Confusion);
        var manifest = ModelRegistry.WriteManifest(directory, new HeadManifest
        {
            Task = task.ToName(),
            Version = version,
            Kind = kind,
            Labels = labels,
            CreatedAt = DateTimeOffset.UtcNow,
            Encoder = new EncoderReference(encoder.Name, encoder.ModelSha256),
            Files = new Dictionary<string, string>(),
            Metrics = evaluation.Metrics,
            Training = training,
        }, [HeadContract.FileName, "report.txt", .. reportFiles]);
        if (promote)
        {
            registry.Promote(task, version, encoder.ModelSha256);
        }

        return new TrainOutcome(manifest, directory, epochs, bestEpoch, evaluation.Text);
    }
}
