using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Labeling.Hosting;
using StreamNlp.Models.Configuration;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// <c>streamnlp ui</c>: the labelling page alone, against any broker: <c>--bootstrap</c>, else
/// <c>StreamNlp:Kafka:BootstrapServers</c>, else the bootstrap file of a running <c>streamnlp run</c>.
/// </summary>
internal static class UiCommand
{
    public static Command Create()
    {
        var bootstrap = CommonOptions.Bootstrap();
        var bootstrapFile = CommonOptions.BootstrapFile();
        var models = CommonOptions.Models();
        var httpPort = new Option<int?>("--http-port") { Description = "Port of the page (StreamNlp:Http:Port, default 8080)." };
        var bind = new Option<string?>("--bind") { Description = "Address to listen on (StreamNlp:Http:BindAddress, default 127.0.0.1). Without StreamNlp:Http:Token only this machine is answered." };
        var database = new Option<string?>("--feedback-db") { Description = "The retrainer's SQLite file, for its decisions (default ~/.local/share/streamnlp/feedback.db)." };
        var command = new Command("ui", "Serve the labelling page (review queue → feedback) against a broker.")
        {
            bootstrap, bootstrapFile, models, httpPort, bind, database,
        };
        command.SetAction((parse, ct) => CommandRunner.Guard(async () =>
        {
            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(models) is { Length: > 0 } directory)
            {
                overrides[$"{ModelOptions.Section}:Directory"] = directory;
            }

            if (parse.GetValue(httpPort) is { } port)
            {
                overrides["StreamNlp:Http:Port"] = port.ToString(CultureInfo.InvariantCulture);
            }

            if (parse.GetValue(bind) is { Length: > 0 } address)
            {
                overrides["StreamNlp:Http:BindAddress"] = address;
            }

            if (parse.GetValue(database) is { Length: > 0 } file)
            {
                overrides["StreamNlp:Retrainer:DatabasePath"] = Path.GetFullPath(file);
            }

            var builder = RunCommand.CreateBuilder(overrides);
            var key = $"{KafkaOptions.Section}:BootstrapServers";
            var explicitServers = parse.GetValue(bootstrap);
            if (!string.IsNullOrWhiteSpace(explicitServers) || string.IsNullOrWhiteSpace(builder.Configuration[key]))
            {
                builder.Configuration[key] = BootstrapFileStore.Resolve(explicitServers, parse.GetValue(bootstrapFile)!);
            }

            builder.AddLabeling();
            using var host = builder.Build();
            var services = HostExit.Services(host);
            var endpoint = PageAddress.Endpoint(host.Services);
            var running = host.RunAsync(ct);
            await PageAddress.PrintAsync(endpoint, running).ConfigureAwait(false);
            return await HostExit.WaitAsync(running, services, ct).ConfigureAwait(false);
        }));
        return command;
    }
}
