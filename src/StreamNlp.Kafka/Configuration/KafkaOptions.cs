using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;

namespace StreamNlp.Kafka.Configuration;

/// <summary>
/// Kafka settings, section <c>StreamNlp:Kafka</c> (env: <c>StreamNlp__Kafka__…</c>): the one options object
/// every Kafka client of the process is built from (<see cref="Clients.KafkaClientConfigs"/>).
/// </summary>
public sealed class KafkaOptions
{
    public const string Section = "StreamNlp:Kafka";

    /// <summary>Broker list. Empty: <c>streamnlp run</c> starts the embedded broker and fills this in.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>Topics to enrich. Default <c>nlp.input</c>.</summary>
    public List<string> InputTopics { get; set; } = [];

    /// <summary>Where enriched records go. Default <c>nlp.enriched</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "StreamNlp:Kafka:OutputTopic is required.")]
    public string OutputTopic { get; set; } = "nlp.enriched";

    /// <summary>Where unusable inputs go, with the reason in headers. Default <c>nlp.deadletter</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "StreamNlp:Kafka:DeadLetterTopic is required.")]
    public string DeadLetterTopic { get; set; } = "nlp.deadletter";

    /// <summary>Compacted topic of <c>model-updated</c> events (key: task). Default <c>nlp.models</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "StreamNlp:Kafka:ModelsTopic is required.")]
    public string ModelsTopic { get; set; } = "nlp.models";

    /// <summary>Low-confidence results for people to review. Default <c>nlp.review</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "StreamNlp:Kafka:ReviewTopic is required.")]
    public string ReviewTopic { get; set; } = "nlp.review";

    /// <summary>Labels from people or systems, read by the retrainer. Default <c>nlp.feedback</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "StreamNlp:Kafka:FeedbackTopic is required.")]
    public string FeedbackTopic { get; set; } = "nlp.feedback";

    /// <summary>Consumer group of the enrichment workers. Default <c>streamnlp-enrichment</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "StreamNlp:Kafka:GroupId is required.")]
    public string GroupId { get; set; } = "streamnlp-enrichment";

    /// <summary>Create missing topics at start-up. Default true.</summary>
    public bool CreateTopics { get; set; } = true;

    /// <summary>Partitions for topics created at start-up. Default 4.</summary>
    [Range(1, 10_000, ErrorMessage = "StreamNlp:Kafka:Partitions must be between {1} and {2}.")]
    public int Partitions { get; set; } = 4;

    /// <summary>
    /// Exactly-once: outputs and input offsets are committed in one Kafka transaction. Default false
    /// (at-least-once). The embedded broker accepts the calls but does not enforce the semantics.
    /// </summary>
    public bool ExactlyOnce { get; set; }

    /// <summary>How long a produced record may wait for acknowledgement before it counts as failed. Default 30,000.</summary>
    [Range(1_000, 600_000, ErrorMessage = "StreamNlp:Kafka:MessageTimeoutMs must be between {1} and {2}.")]
    public int MessageTimeoutMs { get; set; } = 30_000;

    /// <summary>
    /// Static group membership (<c>group.instance.id</c>): a worker that restarts with the same id gets its
    /// partitions back at once instead of after the session time-out. Unset (default): dynamic membership.
    /// In Kubernetes set it to the pod name (<c>StreamNlp__Kafka__GroupInstanceId</c> from the downward API);
    /// two running workers must never share one.
    /// </summary>
    public string? GroupInstanceId { get; set; }

    /// <summary>
    /// The enrichment workers' group protocol (librdkafka <c>group.protocol</c>).
    /// <c>Consumer</c> (default): the broker-driven protocol of KIP-848 (Kafka 4.0 and later, and the embedded
    /// broker). There is no group-wide barrier: a partition moves only after its owner has revoked it and
    /// committed what it finished, and commits are never refused while other members come and go, so a
    /// graceful join, leave or shutdown duplicates nothing. The broker sets session time-out, heartbeat
    /// interval and assignment (<c>session.timeout.ms</c>, <c>heartbeat.interval.ms</c> and
    /// <c>partition.assignment.strategy</c> in <c>StreamNlp:Kafka:Consumer:*</c> apply to the classic groups
    /// only: retrainer, lease, model listener).
    /// <c>Classic</c>: JoinGroup/SyncGroup with cooperative-sticky assignment, for brokers before Kafka 4.0.
    /// Every worker of one group must use the same protocol.
    /// </summary>
    [EnumDataType(typeof(Confluent.Kafka.GroupProtocol), ErrorMessage = "StreamNlp:Kafka:GroupProtocol must be Consumer or Classic.")]
    public Confluent.Kafka.GroupProtocol GroupProtocol { get; set; } = Confluent.Kafka.GroupProtocol.Consumer;

    /// <summary>
    /// Seconds without any reachable broker after which the worker exits non-zero (exit code 1), so a
    /// supervisor can restart or alert. 0 (default): wait for the broker forever, logging a summary every 10 s.
    /// </summary>
    [Range(0, 86_400, ErrorMessage = "StreamNlp:Kafka:BrokerLossExitSeconds must be between {1} and {2}.")]
    public int BrokerLossExitSeconds { get; set; }

    /// <summary>
    /// Replication factor of the topics created at start-up (<see cref="CreateTopics"/>). Default 1; a
    /// production cluster usually wants 3. It cannot exceed the number of brokers.
    /// </summary>
    [Range(1, 32, ErrorMessage = "StreamNlp:Kafka:ReplicationFactor must be between {1} and {2}.")]
    public int ReplicationFactor { get; set; } = 1;

    /// <summary>
    /// <c>PLAINTEXT</c> (default), <c>SSL</c>, <c>SASL_PLAINTEXT</c> or <c>SASL_SSL</c> (librdkafka
    /// <c>security.protocol</c>), for every client the process builds.
    /// </summary>
    public string? SecurityProtocol { get; set; }

    /// <summary>
    /// <c>PLAIN</c>, <c>SCRAM-SHA-256</c>, <c>SCRAM-SHA-512</c>, <c>OAUTHBEARER</c> or <c>GSSAPI</c>
    /// (librdkafka <c>sasl.mechanism</c>); needs a <c>SASL_*</c> <see cref="SecurityProtocol"/>.
    /// </summary>
    public string? SaslMechanism { get; set; }

    /// <summary>SASL user name (PLAIN, SCRAM).</summary>
    public string? SaslUsername { get; set; }

    /// <summary>
    /// SASL password (PLAIN, SCRAM), e.g. from <c>StreamNlp__Kafka__SaslPassword</c>. Never logged.
    /// Set this or <see cref="SaslPasswordFile"/>, not both.
    /// </summary>
    public string? SaslPassword { get; set; }

    /// <summary>
    /// A file holding the SASL password (a Kubernetes secret mounted as a file); read whenever a client
    /// is built, so a rotated secret is picked up by the next client. A trailing line break is ignored.
    /// </summary>
    public string? SaslPasswordFile { get; set; }

    /// <summary>CA certificate(s) to verify the brokers (PEM file or folder; <c>probe</c>: the system's). librdkafka <c>ssl.ca.location</c>.</summary>
    public string? SslCaLocation { get; set; }

    /// <summary>Client certificate (PEM) for mutual TLS. librdkafka <c>ssl.certificate.location</c>.</summary>
    public string? SslCertificateLocation { get; set; }

    /// <summary>Private key (PEM) of <see cref="SslCertificateLocation"/>. librdkafka <c>ssl.key.location</c>.</summary>
    public string? SslKeyLocation { get; set; }

    /// <summary>Password of an encrypted <see cref="SslKeyLocation"/>. Never logged.</summary>
    public string? SslKeyPassword { get; set; }

    /// <summary>Extra librdkafka consumer properties, applied last (after the settings above).</summary>
    public Dictionary<string, string> Consumer { get; set; } = [];

    /// <summary>Extra librdkafka producer properties, applied last.</summary>
    public Dictionary<string, string> Producer { get; set; } = [];

    /// <summary>Extra librdkafka admin-client properties (topic creation), applied last.</summary>
    public Dictionary<string, string> Admin { get; set; } = [];

    /// <summary>Input topics, defaulting to <c>nlp.input</c> when none are configured.</summary>
    public IReadOnlyList<string> EffectiveInputTopics => InputTopics.Count > 0 ? InputTopics : ["nlp.input"];

    /// <summary>
    /// The settings for a log line: passwords show only whether they are set (and from which file), and
    /// extra properties whose key names a secret (<see cref="KafkaSecrets.IsSensitive"/>) are masked.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"bootstrap={BootstrapServers ?? "(unset)"}");
        text.Append(CultureInfo.InvariantCulture, $" security.protocol={SecurityProtocol ?? "PLAINTEXT"}");
        if (SaslMechanism is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" sasl.mechanism={SaslMechanism}");
        }

        if (SaslUsername is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" sasl.username={SaslUsername}");
        }

        if (SaslPasswordFile is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" sasl.password=(from file {SaslPasswordFile})");
        }
        else if (SaslPassword is not null)
        {
            text.Append(" sasl.password=(set)");
        }

        AppendIfSet(text, "ssl.ca.location", SslCaLocation);
        AppendIfSet(text, "ssl.certificate.location", SslCertificateLocation);
        AppendIfSet(text, "ssl.key.location", SslKeyLocation);
        if (SslKeyPassword is not null)
        {
            text.Append(" ssl.key.password=(set)");
        }

        text.Append(CultureInfo.InvariantCulture,
            $" input=[{string.Join(",", EffectiveInputTopics)}] output={OutputTopic} dead-letters={DeadLetterTopic} models={ModelsTopic} review={ReviewTopic} feedback={FeedbackTopic}");
        text.Append(CultureInfo.InvariantCulture,
            $" group={GroupId} create-topics={CreateTopics} partitions={Partitions} replication-factor={ReplicationFactor} exactly-once={ExactlyOnce} group-protocol={GroupProtocol}");
        AppendProperties(text, "consumer", Consumer);
        AppendProperties(text, "producer", Producer);
        AppendProperties(text, "admin", Admin);
        return text.ToString();
    }

    private static void AppendIfSet(StringBuilder text, string key, string? value)
    {
        if (value is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" {key}={value}");
        }
    }

    private static void AppendProperties(StringBuilder text, string role, Dictionary<string, string> properties)
    {
        if (properties.Count == 0)
        {
            return;
        }

        text.Append(CultureInfo.InvariantCulture, $" {role}{{");
        text.AppendJoin(", ", properties.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={(KafkaSecrets.IsSensitive(p.Key) ? KafkaSecrets.Mask : p.Value)}"));
        text.Append('}');
    }
}
