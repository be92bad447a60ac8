using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Registry;
using StreamNlp.Worker.Configuration;
using StreamNlp.Worker.Inference;

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
        return command;
    }

    private static Command List()
    {
        var models = CommonOptions.Models();
        var json = new Option<bool>("--json") { Description = "One JSON object instead of a table." };
        var command = new Command("list", "Show every version of every task, its dev metrics and which one is current.") { models, json };
        command.SetAction(parse => Guard(() =>
        {
            var registry = Open(parse.GetValue(models));
            if (parse.GetValue(json))
            {
                Console.WriteLine(ToJson(registry).ToJsonString());
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
                    Console.WriteLine($"{(version == current ? "*" : " ")} {task.ToName(),-14} {version,-5} {manifest.Kind,-28} {manifest.CreatedAt:yyyy-MM-dd HH:mm}  {metrics}");
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
        var command = new Command("promote", "Make a version current (after checking its files and encoder).") { models, task, version };
        command.SetAction(parse => Guard(() =>
        {
            var registry = Open(parse.GetValue(models));
            var nlpTask = ParseTask(parse.GetValue(task));
            var manifest = registry.Promote(nlpTask, parse.GetValue(version)!, EncoderDescriptor.MiniLmL6V2.ModelSha256);
            Console.WriteLine($"{nlpTask.ToName()} current = {manifest.Version}");
            return 0;
        }));
        return command;
    }

    private static Command Rollback()
    {
        var models = CommonOptions.Models();
        var task = new Option<string>("--task") { Required = true };
        var command = new Command("rollback", "Make the version before the current one current again.") { models, task };
        command.SetAction(parse => Guard(() =>
        {
            var registry = Open(parse.GetValue(models));
            var nlpTask = ParseTask(parse.GetValue(task));
            HeadManifest manifest;
            try
            {
                manifest = registry.Rollback(nlpTask, EncoderDescriptor.MiniLmL6V2.ModelSha256);
            }
            catch (InvalidOperationException ex)
            {
                throw new CliException(ex.Message);
            }

            Console.WriteLine($"{nlpTask.ToName()} current = {manifest.Version}");
            return 0;
        }));
        return command;
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
                    ["kind"] = manifest.Kind,
                    ["createdAt"] = manifest.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                    ["labels"] = new JsonArray([.. manifest.Labels.Select(l => (JsonNode)l)]),
                    ["metrics"] = metrics,
                });
            }

            tasks[task.ToName()] = new JsonObject { ["current"] = registry.CurrentVersion(task), ["versions"] = versions };
        }

        return new JsonObject { ["registry"] = registry.Root, ["tasks"] = tasks };
    }

    private static ModelRegistry Open(string? directory) => ModelBundleProvider.OpenRegistry(new ModelOptions { Directory = directory });

    private static NlpTask ParseTask(string? name) =>
        NlpTaskNames.TryParse(name, out var task) ? task : throw new CliException($"--task '{name}' is not one of classification, sentiment, ner.");

    private static int Guard(Func<int> action) => CommandRunner.Guard(() => Task.FromResult(action())).GetAwaiter().GetResult();
}
