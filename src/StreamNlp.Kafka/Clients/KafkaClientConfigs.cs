using System.Globalization;
using Confluent.Kafka;
using StreamNlp.Kafka.Configuration;

namespace StreamNlp.Kafka.Clients;

/// <summary>
/// The one place that builds Kafka client configs, one method per role (consumer, producer, admin), from
/// one <see cref="KafkaOptions"/>. Every client of every service and command starts here, so all of them
/// carry the same brokers and security settings. Each config is built in three layers:
/// <list type="number">
///   <item>brokers, client id and security from the options, plus the role's safe defaults;</item>
///   <item>what the calling client needs (<c>configure</c>: its group, commit mode, transactions…);</item>
///   <item>the operator's extra librdkafka properties (<c>StreamNlp:Kafka:Consumer|Producer|Admin:*</c>), applied last (a consumer on the consumer group protocol leaves out the classic-only ones among them).</item>
/// </list>
/// Secrets put into a config are remembered by <see cref="KafkaSecrets"/>, so log lines never show them.
/// </summary>
public static class KafkaClientConfigs
{
    /// <summary>librdkafka's default <c>message.max.bytes</c>.</summary>
    public const int DefaultMaxMessageBytes = 1_000_000;

    /// <summary>A consumer in <paramref name="groupId"/>: from the earliest offset when the group has none, no end-of-partition events.</summary>
    public static ConsumerConfig Consumer(KafkaOptions options, string groupId, string clientName, Action<ConsumerConfig>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        var config = new ConsumerConfig
        {
            GroupId = groupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = false,
        };
        return WithoutClassicGroupSettings(Build(config, options, clientName, configure, options.Consumer));
    }

    /// <summary>An idempotent producer waiting for every in-sync replica, with <see cref="KafkaOptions.MessageTimeoutMs"/>.</summary>
    public static ProducerConfig Producer(KafkaOptions options, string clientName, Action<ProducerConfig>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ProducerConfig
        {
            EnableIdempotence = true,
            Acks = Acks.All,
            MessageTimeoutMs = options.MessageTimeoutMs,
        };
        return Build(config, options, clientName, configure, options.Producer);
    }

    /// <summary>An admin client (topic creation).</summary>
    public static AdminClientConfig Admin(KafkaOptions options, string clientName, Action<AdminClientConfig>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Build(new AdminClientConfig(), options, clientName, configure, options.Admin);
    }

    /// <summary><c>streamnlp-&lt;client&gt;-&lt;host&gt;</c>: what brokers and their logs call this client.</summary>
    public static string ClientId(string clientName) => $"streamnlp-{clientName}-{Environment.MachineName}";

    /// <summary>The producers' <c>message.max.bytes</c>: the configured value, else librdkafka's default.</summary>
    public static int MaxMessageBytes(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Producer.TryGetValue("message.max.bytes", out var configured)
            && int.TryParse(configured, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes) && bytes > 0
                ? bytes
                : DefaultMaxMessageBytes;
    }

    /// <summary>The SASL password: <see cref="KafkaOptions.SaslPasswordFile"/>'s content when set (read now), else <see cref="KafkaOptions.SaslPassword"/>.</summary>
    public static string? SaslPassword(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.SaslPasswordFile is { } file ? ReadPasswordFile(file) : options.SaslPassword;
    }

    /// <summary>A password file's content without the line break that editors and <c>echo</c> leave at its end.</summary>
    public static string ReadPasswordFile(string path) => File.ReadAllText(path).TrimEnd('\r', '\n');

    private static T Build<T>(T config, KafkaOptions options, string clientName, Action<T>? configure, Dictionary<string, string> extras)
        where T : ClientConfig
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientName);
        config.BootstrapServers = string.IsNullOrWhiteSpace(options.BootstrapServers)
            ? throw new InvalidOperationException("StreamNlp:Kafka:BootstrapServers is not set and no embedded broker was started.")
            : options.BootstrapServers;
        config.ClientId = ClientId(clientName);
        ApplySecurity(config, options);
        configure?.Invoke(config);
        foreach (var (key, value) in extras)
        {
            if (KafkaSecrets.IsSensitive(key))
            {
                KafkaSecrets.Remember(value);
            }

            config.Set(key, value);
        }

        return config;
    }

    /// <summary>
    /// On the consumer group protocol (KIP-848) the broker owns session time-out, heartbeat interval and assignment,
    /// and librdkafka refuses a consumer that sets them. The shared <c>StreamNlp:Kafka:Consumer:*</c> properties still
    /// carry them for the classic groups of the same process (retrainer, lease, model listener), so a consumer on the
    /// consumer protocol leaves them out.
    /// </summary>
    private static ConsumerConfig WithoutClassicGroupSettings(ConsumerConfig config)
    {
        if (config.GroupProtocol == GroupProtocol.Consumer)
        {
            config.SessionTimeoutMs = null;
            config.HeartbeatIntervalMs = null;
            config.PartitionAssignmentStrategy = null;
            config.GroupProtocolType = null;
        }

        return config;
    }

    private static void ApplySecurity(ClientConfig config, KafkaOptions options)
    {
        if (KafkaSecurityNames.TryParseProtocol(options.SecurityProtocol, out var protocol))
        {
            config.SecurityProtocol = protocol;
        }

        if (KafkaSecurityNames.TryParseMechanism(options.SaslMechanism, out var mechanism))
        {
            config.SaslMechanism = mechanism;
        }

        if (options.SaslUsername is { } user)
        {
            config.SaslUsername = user;
        }

        if (SaslPassword(options) is { } password)
        {
            KafkaSecrets.Remember(password);
            config.SaslPassword = password;
        }

        if (options.SslCaLocation is { } ca)
        {
            config.SslCaLocation = ca;
        }

        if (options.SslCertificateLocation is { } certificate)
        {
            config.SslCertificateLocation = certificate;
        }

        if (options.SslKeyLocation is { } key)
        {
            config.SslKeyLocation = key;
        }

        if (options.SslKeyPassword is { } keyPassword)
        {
            KafkaSecrets.Remember(keyPassword);
            config.SslKeyPassword = keyPassword;
        }
    }
}
