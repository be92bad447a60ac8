using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using StreamNlp.Http;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Models.Configuration;
using StreamNlp.Retrainer.Health;
using StreamNlp.Retrainer.Hosting;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// <c>streamnlp retrainer</c>: the retraining worker alone, against <c>--bootstrap</c>, else the configured broker
/// (<c>StreamNlp:Kafka:BootstrapServers</c>), else the broker of a running <c>streamnlp run</c> (bootstrap file).
/// </summary>
internal static class RetrainerCommand
{
    /// <summary>The retrainer's command-line options, shared with <c>run</c>.</summary>
    internal sealed record Options(Option<int?> MinLabels, Option<string?> BaseData, Option<string?> Database)
    {
        public IEnumerable<Option> All => [MinLabels, BaseData, Database];

        public Dictionary<string, string?> Overrides(ParseResult parse)
        {
            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(MinLabels) is { } minLabels)
            {
                overrides["StreamNlp:Retrainer:MinLabels"] = minLabels.ToString(CultureInfo.InvariantCulture);
            }

            if (parse.GetValue(BaseData) is { Length: > 0 } baseData)
            {
                overrides["StreamNlp:Retrainer:BaseDataDirectory"] = Path.GetFullPath(baseData);
            }

            if (parse.GetValue(Database) is { Length: > 0 } database)
            {
                overrides["StreamNlp:Retrainer:DatabasePath"] = Path.GetFullPath(database);
            }

            return overrides;
        }
    }

    internal static Options RetrainerOptions() => new(
        new Option<int?>("--retrain-min-labels") { Description = "Retrain a task after this many new labels (StreamNlp:Retrainer:MinLabels, default 200)." },
        new Option<string?>("--base-data") { Description = "Folder with the base training data (topic/agnews, sentiment/sst2, ner/conll2003), e.g. ../shared/data." },
        new Option<string?>("--feedback-db") { Description = "SQLite file of stored feedback (default ~/.local/share/streamnlp/feedback.db)." });

    public static Command Create()
    {
        var bootstrap = CommonOptions.Bootstrap();
        var bootstrapFile = CommonOptions.BootstrapFile();
        var models = CommonOptions.Models();
        var options = RetrainerOptions();
        var httpPort = CommonOptions.HttpPort();
        var command = new Command("retrainer", "Run the retraining worker alone: store feedback, retrain, gate and promote.") { bootstrap, bootstrapFile, models, httpPort };
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => CommandRunner.Guard(async () =>
        {
            var overrides = options.Overrides(parse);
            if (parse.GetValue(models) is { Length: > 0 } directory)
            {
                overrides[$"{ModelOptions.Section}:Directory"] = directory;
            }

            if (parse.GetValue(httpPort) is { } port)
            {
                overrides["StreamNlp:Http:Port"] = port.ToString(CultureInfo.InvariantCulture);
            }

            var builder = RunCommand.CreateBuilder(overrides);
            // --bootstrap, else StreamNlp:Kafka:BootstrapServers (a container's environment), else the bootstrap file
            // of a running `streamnlp run`.
            var explicitServers = parse.GetValue(bootstrap);
            if (!string.IsNullOrWhiteSpace(explicitServers) || string.IsNullOrWhiteSpace(builder.Configuration[$"{KafkaOptions.Section}:BootstrapServers"]))
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    [$"{KafkaOptions.Section}:BootstrapServers"] = BootstrapFileStore.Resolve(explicitServers, parse.GetValue(bootstrapFile)!),
                });
            }

            builder.AddRetrainer();
            builder.Services.AddHttpModule<RetrainerHealthModule>(); // alone, the retrainer answers the probes itself
            using var host = builder.Build();
            var services = HostExit.Services(host);
            return await HostExit.WaitAsync(host.RunAsync(ct), services, ct).ConfigureAwait(false);
        }));
        return command;
    }
}
