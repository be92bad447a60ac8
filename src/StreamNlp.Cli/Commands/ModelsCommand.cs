using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Configuration;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Registry;
using StreamNlp.Training.Replay;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Retrainer.Hosting;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Kafka.ModelUpdates;

namespace StreamNlp.Cli.Commands;

/// <summary><c>streamnlp models list|promote|rollback</c>: the model registry.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List, promote and roll back task-head versions in the model registry.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Promote());
        command.Subcommands.Add(Rollback());
        command.Subcommands.Add(Replay());
        return command;
    }

    private static Command List()
    {
        var models = CommonOptions.Models();
        var json = new Option<bool>("--json") { Description = "One JSON object instead of a table." };
        var database = new Option<string?>("--feedback-db") { Description = "The retrainer's SQLite file, for its recent runs (default ~/.local/share/streamnlp/feedback.db)." };
        var command = new Command("list", "Show every version of every task, its dev metrics, which one is current, and the retrainer's recent decisions.")
        {
            models, json, database,
        };
        command.SetAction(parse => Guard(() =>
        {
            var registry = Open(parse.GetValue(models));
            var runs = RetrainRuns(parse.GetValue(database));
            if (parse.GetValue(json))
            {
                var document = ToJson(registry);
                document["retrainer"] = new JsonArray([.. runs.Select(r => (JsonNode)new JsonObject
                {
                    ["task"] = r.Task.ToName(),
                    ["startedAt"] = r.StartedAt.ToString("O", CultureInfo.InvariantCulture),
                    ["seconds"] = Math.Round((r.FinishedAt - r.StartedAt).TotalSeconds, 1),
                    ["examples"] = r.Examples,
                    ["champion"] = r.ChampionVersion,
                    ["challenger"] = r.ChallengerVersion,
                    ["championMetrics"] = Metrics(r.Champion),
                    ["challengerMetrics"] = Metrics(r.Challenger),
                    ["decision"] = r.Decision,
                    ["reason"] = r.Reason,
                })]);
                Console.WriteLine(document.ToJsonString());
                return 0;
            }

            Console.WriteLine($"registry {registry.Root}");
            foreach (var task in NlpTaskNames.All)
            {
                var current = registry.CurrentVersion(task);
                foreach (var version in registry.Versions(task))
                {
                    var manifest = ModelRegistry.ReadManifest(registry.VersionDirectory(task, version));
                    var metrics = string.Join(" ", manifest.Metrics.Select(m => $"{m.Key}={m.Value.ToString("0.0000", CultureInfo.InvariantCulture)}"));
                    Console.WriteLine($"{(version == current ? "*" : " ")} {task.ToName(),-14} {version,-5} {HeadFamilyCatalog.Default.Describe(manifest),-44} {manifest.CreatedAt:yyyy-MM-dd HH:mm}  {metrics}");
                }
            }

            if (runs.Count > 0)
            {
                Console.WriteLine();
                Console.WriteLine("recent retrainer runs (newest first)");
                foreach (var run in runs)
                {
                    Console.WriteLine($"  {run.StartedAt:yyyy-MM-dd HH:mm:ss} {run.Task.ToName(),-14} {run.Decision,-8} challenger {run.ChallengerVersion ?? "-"} vs champion {run.ChampionVersion}: " +
                        $"champion [{Format(run.Champion)}] challenger [{Format(run.Challenger)}] — {run.Reason}");
                }
            }

            return 0;
        }));
        return command;
    }

    private static Command Promote()
    {
        var models = CommonOptions.Models();
        var task = new Option<string>("--task") { Required = true };
        var version = new Option<string>("--version") { Required = true };
        var bootstrap = CommonOptions.Bootstrap();
        var bootstrapFile = CommonOptions.BootstrapFile();
        var topic = CommonOptions.Topic("nlp.models");
        var encoder = CommonOptions.Encoder();
        var command = new Command("promote", "Make a version current (after checking its files and encoder) and announce it to running workers.")
        {
            models, task, version, bootstrap, bootstrapFile, topic, encoder,
        };
        command.SetAction(parse => Guard(() =>
        {
            var registry = Open(parse.GetValue(models));
            var nlpTask = ParseTask(parse.GetValue(task));
            var previous = registry.CurrentVersion(nlpTask);
            var manifest = registry.Promote(nlpTask, parse.GetValue(version)!, CommonOptions.EncoderSha256(parse.GetValue(encoder)!));
            Console.WriteLine($"{nlpTask.ToName()} current = {manifest.Version}");
            Announce(registry, nlpTask, manifest, previous, "promoted", parse.GetValue(bootstrap), parse.GetValue(bootstrapFile)!, parse.GetValue(topic)!);
            return 0;
        }));
        return command;
    }

    private static Command Replay()
    {
        var models = CommonOptions.Models();
        var task = new Option<string>("--task") { Required = true };
        var version = new Option<string?>("--version") { Description = "Default: the current version." };
        var train = new Option<string>("--train") { Description = "Base training data: JSONL {\"text\",\"label\"}, or CoNLL for ner.", Required = true };
        var dev = new Option<string>("--dev") { Description = "Base dev data, same format.", Required = true };
        var trainRows = new Option<int>("--train-rows") { DefaultValueFactory = _ => ReplaySet.DefaultTrainRows };
        var devRows = new Option<int>("--dev-rows") { DefaultValueFactory = _ => ReplaySet.DefaultDevRows };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => ReplaySet.DefaultSeed };
        var command = new Command("replay", "Store a bounded, seeded sample of a version's base data in its folder (listed in its manifest), so the retrainer replays it with no --base-data.")
        {
            models, task, version, train, dev, trainRows, devRows, seed,
        };
        command.SetAction(parse => Guard(() =>
        {
            var registry = Open(parse.GetValue(models));
            var nlpTask = ParseTask(parse.GetValue(task));
            var name = parse.GetValue(version) ?? registry.CurrentVersion(nlpTask) ?? throw new CliException($"No current {nlpTask.ToName()} version in {registry.Root}.");
            var manifest = registry.Verify(nlpTask, name);
            var directory = registry.VersionDirectory(nlpTask, name);
            var replay = ReplaySet.Sample(nlpTask, parse.GetValue(train)!, parse.GetValue(dev)!, parse.GetValue(trainRows), parse.GetValue(devRows), parse.GetValue(seed));
            var files = replay.WriteTo(directory);
            var previous = manifest.Replay is { } old ? new[] { old.TrainFile, old.DevFile } : [];
            ModelRegistry.WriteManifest(
                directory, manifest with { Replay = replay.Record }, manifest.Files.Keys.Except(previous).Concat(files).Distinct(StringComparer.Ordinal));
            Console.WriteLine($"{nlpTask.ToName()} {name}: replay set of {replay.Record.TrainRows} training and {replay.Record.DevRows} dev rows (seed {replay.Record.Seed}) from {replay.Record.Source}");
            return 0;
        }));
        return command;
    }

    private static Command Rollback()
    {
        var models = CommonOptions.Models();
        var task = new Option<string>("--task") { Required = true };
        var bootstrap = CommonOptions.Bootstrap();
        var bootstrapFile = CommonOptions.BootstrapFile();
        var topic = CommonOptions.Topic("nlp.models");
        var encoder = CommonOptions.Encoder();
        var command = new Command("rollback", "Make the version before the current one current again and announce it to running workers.")
        {
            models, task, bootstrap, bootstrapFile, topic, encoder,
        };
        command.SetAction(parse => Guard(() =>
        {
            var registry = Open(parse.GetValue(models));
            var nlpTask = ParseTask(parse.GetValue(task));
            var previous = registry.CurrentVersion(nlpTask);
            HeadManifest manifest;
            try
            {
                manifest = registry.Rollback(nlpTask, CommonOptions.EncoderSha256(parse.GetValue(encoder)!));
            }
            catch (InvalidOperationException ex)
            {
                throw new CliException(ex.Message);
            }

            Console.WriteLine($"{nlpTask.ToName()} current = {manifest.Version}");
            Announce(registry, nlpTask, manifest, previous, "rollback", parse.GetValue(bootstrap), parse.GetValue(bootstrapFile)!, parse.GetValue(topic)!);
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// Publishes the version's artifact and its model-updated event when a broker is known (every worker then
    /// writes it into its own registry and serves it); otherwise says that workers pick the change up on restart.
    /// </summary>
    private static void Announce(ModelRegistry registry, NlpTask task, HeadManifest manifest, string? previous, string reason, string? bootstrap, string bootstrapFile, string topic)
    {
        using var kafka = CliKafka.Load(bootstrap, bootstrapFile, required: false);
        if (kafka is null)
        {
            Console.WriteLine("no broker known (no --bootstrap, no StreamNlp:Kafka:BootstrapServers, no running `streamnlp run`): workers load the new current version when they start");
            return;
        }

        var servers = kafka.BootstrapServers;
        var update = ModelUpdateEvents.Create(registry, task, manifest, previous, reason, DateTimeOffset.UtcNow);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            var artifact = ModelArtifact.Pack(registry, task, manifest.Version);
            ModelUpdatePublisher.PublishAsync(kafka.Options, update, kafka.Logger, timeout.Token, topic, artifact).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is Confluent.Kafka.KafkaException or OperationCanceledException)
        {
            throw new CliException($"registry switched, but announcing it on {topic} at {servers} failed: {ex.Message}");
        }

        Console.WriteLine($"announced model-updated {task.ToName()} {manifest.Version} on {topic} at {servers}");
    }

    internal static JsonObject ToJson(ModelRegistry registry)
    {
        var tasks = new JsonObject();
        foreach (var task in NlpTaskNames.All)
        {
            var versions = new JsonArray();
            foreach (var version in registry.Versions(task))
            {
                var manifest = ModelRegistry.ReadManifest(registry.VersionDirectory(task, version));
                var metrics = new JsonObject();
                foreach (var (name, value) in manifest.Metrics)
                {
                    metrics[name] = value;
                }

                versions.Add(new JsonObject
                {
                    ["version"] = version,
                    ["head"] = HeadFamilyCatalog.Default.Describe(manifest),
                    ["createdAt"] = manifest.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                    ["labels"] = new JsonArray([.. manifest.Labels.Select(l => (JsonNode)l)]),
                    ["metrics"] = metrics,
                });
            }

            tasks[task.ToName()] = new JsonObject { ["current"] = registry.CurrentVersion(task), ["versions"] = versions };
        }

        return new JsonObject { ["registry"] = registry.Root, ["tasks"] = tasks };
    }

    private static IReadOnlyList<RetrainRun> RetrainRuns(string? database)
    {
        var path = database ?? RetrainerWorker.DefaultDatabasePath;
        if (!File.Exists(path))
        {
            return [];
        }

        using var store = new FeedbackStore(path);
        return store.Runs(limit: 10);
    }

    private static JsonObject Metrics(IReadOnlyDictionary<string, double> metrics)
    {
        var result = new JsonObject();
        foreach (var (name, value) in metrics)
        {
            result[name] = double.IsFinite(value) ? value : null;
        }

        return result;
    }

    private static string Format(IReadOnlyDictionary<string, double> metrics) =>
        string.Join(" ", metrics.Select(m => $"{m.Key}={m.Value.ToString("0.000", CultureInfo.InvariantCulture)}"));

    private static ModelRegistry Open(string? directory) => ConfiguredRegistry.Open(new ModelOptions { Directory = directory });

    private static NlpTask ParseTask(string? name) =>
        NlpTaskNames.TryParse(name, out var task) ? task : throw new CliException($"--task '{name}' is not one of classification, sentiment, ner.");

    private static int Guard(Func<int> action) => CommandRunner.Guard(() => Task.FromResult(action())).GetAwaiter().GetResult();
}
