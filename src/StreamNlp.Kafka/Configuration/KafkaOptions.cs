using System.ComponentModel.DataAnnotations;

namespace StreamNlp.Kafka.Configuration;

/// <summary>Kafka settings, section <c>StreamNlp:Kafka</c> (env: <c>StreamNlp__Kafka__…</c>).</summary>
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
    /// Seconds without any reachable broker after which the worker exits non-zero (exit code 1), so a
    /// supervisor can restart or alert. 0 (default): wait for the broker forever, logging a summary every 10 s.
    /// </summary>
    [Range(0, 86_400, ErrorMessage = "StreamNlp:Kafka:BrokerLossExitSeconds must be between {1} and {2}.")]
    public int BrokerLossExitSeconds { get; set; }

    /// <summary>Extra librdkafka consumer properties (e.g. <c>security.protocol</c>), applied last.</summary>
    public Dictionary<string, string> Consumer { get; set; } = [];

    /// <summary>Extra librdkafka producer properties, applied last.</summary>
    public Dictionary<string, string> Producer { get; set; } = [];

    /// <summary>Input topics, defaulting to <c>nlp.input</c> when none are configured.</summary>
    public IReadOnlyList<string> EffectiveInputTopics => InputTopics.Count > 0 ? InputTopics : ["nlp.input"];
}
