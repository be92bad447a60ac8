using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// The Kafka settings and logger of a client command (<c>produce</c>, <c>consume</c>, <c>label</c>,
/// <c>models</c>): read as <c>streamnlp run</c> reads them (<c>appsettings.json</c> beside the executable,
/// environment variables <c>StreamNlp__Kafka__…</c>; see <see cref="RunCommand.CreateBuilder"/>), validated
/// the same way (a bad setting: exit code 2), so every client of the CLI carries the configured security
/// settings. The broker is <c>--bootstrap</c>, else <c>StreamNlp:Kafka:BootstrapServers</c>, else the
/// bootstrap file a running <c>streamnlp run</c> wrote. librdkafka's log goes to the console logger on stderr.
/// </summary>
internal sealed class CliKafka : IDisposable
{
    private readonly IDisposable? _owned;

    private CliKafka(KafkaOptions options, ILogger logger, IDisposable? owned)
    {
        Options = options;
        Logger = logger;
        _owned = owned;
    }

    public KafkaOptions Options { get; }

    public ILogger Logger { get; }

    public string BootstrapServers => Options.BootstrapServers!;

    /// <summary>
    /// Loads the settings. With <paramref name="required"/> false, returns null when no broker is known
    /// (instead of failing with advice to start <c>streamnlp run</c>).
    /// </summary>
    public static CliKafka? Load(string? explicitServers, string bootstrapFile, bool required = true, IDictionary<string, string?>? overrides = null)
    {
        var builder = RunCommand.CreateBuilder(overrides ?? new Dictionary<string, string?>());
        var key = $"{KafkaOptions.Section}:BootstrapServers";
        if (!string.IsNullOrWhiteSpace(explicitServers) || string.IsNullOrWhiteSpace(builder.Configuration[key]))
        {
            string servers;
            try
            {
                servers = BootstrapFileStore.Resolve(explicitServers, bootstrapFile);
            }
            catch (CliException) when (!required)
            {
                return null;
            }

            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = servers });
        }

        builder.Services.AddKafkaOptions();
        var host = builder.Build();
        try
        {
            var options = host.Services.GetRequiredService<IOptions<KafkaOptions>>().Value; // validates: OptionsValidationException names the setting
            return new CliKafka(options, host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StreamNlp.Cli"), host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>The settings and a logger of a host the command runs itself (<c>bench</c>); the host stays the owner.</summary>
    public static CliKafka From(IServiceProvider services) => new(
        services.GetRequiredService<IOptions<KafkaOptions>>().Value,
        services.GetRequiredService<ILoggerFactory>().CreateLogger("StreamNlp.Cli"),
        owned: null);

    /// <summary>A consumer of this command; its errors are not printed (librdkafka's log says what matters, once per 10 s).</summary>
    public IConsumer<TKey, TValue> Consumer<TKey, TValue>(ConsumerConfig config) =>
        new ConsumerBuilder<TKey, TValue>(config).SetErrorHandler((_, _) => { }).RouteLogsTo(Logger).Build();

    public IProducer<TKey, TValue> Producer<TKey, TValue>(ProducerConfig config) =>
        new ProducerBuilder<TKey, TValue>(config).RouteLogsTo(Logger).Build();

    /// <summary>Flushes the console logger.</summary>
    public void Dispose() => _owned?.Dispose();
}
