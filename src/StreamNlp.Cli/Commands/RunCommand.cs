using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StreamNlp.Kafka.Embedded;
using StreamNlp.Labeling.Configuration;
using StreamNlp.Labeling.Hosting;
using StreamNlp.Models.Configuration;
using StreamNlp.Retrainer.Hosting;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Telemetry.Logging;
using StreamNlp.Worker.Hosting;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// <c>streamnlp run</c>: the main job. Uses the configured broker, or starts the embedded one when
/// none is configured; creates the topics; runs the enrichment worker, the retrainer and the labelling page
/// (its address printed as <c>page=&lt;url&gt;</c>) until Ctrl-C or SIGTERM.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var bootstrap = CommonOptions.Bootstrap();
        bootstrap.Description = "Kafka bootstrap servers. Default: StreamNlp:Kafka:BootstrapServers, else an embedded broker.";
        var bootstrapFile = CommonOptions.BootstrapFile();
        var models = CommonOptions.Models();
        var brokers = new Option<int>("--brokers") { Description = "Brokers in the embedded cluster.", DefaultValueFactory = _ => 1 };
        var partitions = new Option<int?>("--partitions") { Description = "Partitions of the topics created at start (StreamNlp:Kafka:Partitions, default 4)." };
        var retrainer = RetrainerCommand.RetrainerOptions();
        var noRetrainer = new Option<bool>("--no-retrainer") { Description = "Run only the enrichment worker, not the retraining worker." };
        var httpPort = CommonOptions.HttpPort();

        var command = new Command("run", "Run the enrichment worker and the retrainer (embedded Kafka broker unless one is configured).")
        {
            bootstrap, bootstrapFile, models, brokers, partitions, noRetrainer, httpPort,
        };
        foreach (var option in retrainer.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => CommandRunner.Guard(() =>
        {
            var overrides = retrainer.Overrides(parse);
            if (parse.GetValue(models) is { Length: > 0 } directory)
            {
                overrides[$"{ModelOptions.Section}:Directory"] = directory;
            }

            if (parse.GetValue(partitions) is { } p)
            {
                overrides[$"{KafkaOptions.Section}:Partitions"] = p.ToString(CultureInfo.InvariantCulture);
            }

            if (parse.GetValue(httpPort) is { } port)
            {
                overrides["StreamNlp:Http:Port"] = port.ToString(CultureInfo.InvariantCulture);
            }

            if (parse.GetValue(noRetrainer))
            {
                overrides["StreamNlp:Retrainer:Enabled"] = "false";
            }

            return RunAsync(parse.GetValue(bootstrap), parse.GetValue(bootstrapFile)!, parse.GetValue(brokers), overrides, ct);
        }));
        return command;
    }

    /// <summary>A host with console logging on stderr (stdout carries only the bootstrap line) and the given overrides.</summary>
    internal static HostApplicationBuilder CreateBuilder(IDictionary<string, string?> overrides)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.AddStreamNlpConsoleLogging(); // StreamNlp:Logging:Format: simple lines or JSON, on stderr
        // The host's own report of a failed start or a failed service is a stack trace; the command prints
        // one line with the reason instead (CommandRunner, HostExit); the workers log their own failures.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    private static async Task<int> RunAsync(string? bootstrap, string bootstrapFile, int brokers, Dictionary<string, string?> overrides, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(bootstrap))
        {
            overrides[$"{KafkaOptions.Section}:BootstrapServers"] = bootstrap;
        }

        var builder = CreateBuilder(overrides);

        EmbeddedKafkaCluster? embedded = null;
        var servers = builder.Configuration[$"{KafkaOptions.Section}:BootstrapServers"];
        if (string.IsNullOrWhiteSpace(servers))
        {
            if (brokers is < 1 or > 16)
            {
                throw new CliException("--brokers must be between 1 and 16.");
            }

            embedded = EmbeddedKafkaCluster.Start(brokers);
            servers = embedded.BootstrapServers;
            builder.Configuration.AddInMemoryCollection(EmbeddedConsumerDefaults(builder.Configuration, servers));
            builder.Services.AddSingleton(embedded);
        }

        try
        {
            builder.AddEnrichmentWorker();
            if (builder.Configuration.GetValue("StreamNlp:Retrainer:Enabled", true))
            {
                builder.AddRetrainer();
            }

            if (builder.Configuration.GetValue($"{LabelingOptions.Section}:Enabled", true))
            {
                builder.AddLabeling();
            }

            using var host = builder.Build();

            Console.WriteLine($"bootstrap={servers}");
            BootstrapFileStore.Write(bootstrapFile, servers);
            var services = HostExit.Services(host);
            var endpoint = PageAddress.Endpoint(host.Services);
            try
            {
                var running = host.RunAsync(ct);
                await PageAddress.PrintAsync(endpoint, running).ConfigureAwait(false);
                return await HostExit.WaitAsync(running, services, ct).ConfigureAwait(false);
            }
            finally
            {
                if (File.Exists(bootstrapFile) && File.ReadAllText(bootstrapFile).Trim() == servers)
                {
                    File.Delete(bootstrapFile);
                }
            }
        }
        finally
        {
            embedded?.Dispose();
        }
    }

    /// <summary>
    /// The embedded (mock) broker makes a group's next member wait session.timeout.ms − 1 s after the
    /// last one left; short sessions keep restarts quick. Real brokers keep librdkafka's defaults.
    /// </summary>
    internal static Dictionary<string, string?> EmbeddedConsumerDefaults(IConfiguration configuration, string servers)
    {
        var values = new Dictionary<string, string?> { [$"{KafkaOptions.Section}:BootstrapServers"] = servers };
        if (configuration[$"{KafkaOptions.Section}:Consumer:session.timeout.ms"] is null)
        {
            values[$"{KafkaOptions.Section}:Consumer:session.timeout.ms"] = "2000";
            values[$"{KafkaOptions.Section}:Consumer:heartbeat.interval.ms"] = "500";
        }

        return values;
    }
}
