using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using StreamNlp.Kafka.Clients;
using StreamNlp.Kafka.Configuration;
using StreamNlp.Kafka.Embedded;

namespace StreamNlp.Kafka.Topics;

/// <summary>Creates topics if they do not exist yet (existing topics are left as they are).</summary>
public static class TopicProvisioner
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private const string Advice =
        "If the broker does not let this client create topics (no admin API, no ACL), create them yourself and set StreamNlp:Kafka:CreateTopics=false.";

    /// <summary>
    /// On <paramref name="embedded"/> (whose mock has no admin API) topics are created directly and
    /// <see cref="TopicSpec.Compacted"/> is ignored (the mock never compacts); otherwise through
    /// <see cref="IAdminClient.CreateTopicsAsync"/>, with an admin client built from <paramref name="kafka"/>
    /// (<see cref="KafkaClientConfigs.Admin"/>) whose librdkafka log goes to <paramref name="logger"/>.
    /// </summary>
    public static async Task EnsureTopicsAsync(
        KafkaOptions kafka,
        IReadOnlyCollection<TopicSpec> topics,
        EmbeddedKafkaCluster? embedded,
        ILogger logger,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(topics);
        if (topics.Count == 0)
        {
            return;
        }

        if (embedded is not null)
        {
            foreach (var topic in topics)
            {
                ct.ThrowIfCancellationRequested();
                if (topic.ReplicationFactor > embedded.BrokerCount)
                {
                    throw new TopicProvisioningException(
                        $"topic '{topic.Name}' needs replication factor {topic.ReplicationFactor} (StreamNlp:Kafka:ReplicationFactor) but the embedded cluster has {embedded.BrokerCount} broker(s) (--brokers).",
                        null);
                }

                var error = embedded.TryCreateTopic(topic.Name, topic.Partitions, topic.ReplicationFactor);
                if (error is not (ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
                {
                    embedded.CreateTopic(topic.Name, topic.Partitions, topic.ReplicationFactor); // throws with details
                }
            }

            return;
        }

        var bootstrapServers = kafka.BootstrapServers;
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka, "provisioner")).RouteLogsTo(logger).Build();
        var specifications = Specifications(topics);

        try
        {
            await admin.CreateTopicsAsync(specifications, new CreateTopicsOptions { RequestTimeout = RequestTimeout })
                .WaitAsync(ct).ConfigureAwait(false);
        }
        catch (CreateTopicsException ex)
        {
            var failures = ex.Results.Where(r => r.Error.Code is not (ErrorCode.NoError or ErrorCode.TopicAlreadyExists)).ToList();
            if (failures.Count > 0)
            {
                throw new TopicProvisioningException(
                    $"could not create topic(s) {string.Join(", ", failures.Select(f => $"'{f.Topic}' ({f.Error.Reason})"))} on {bootstrapServers}. {Advice}", ex);
            }
        }
        catch (KafkaException ex)
        {
            throw new TopicProvisioningException($"could not create the topics on {bootstrapServers}: {ex.Error.Reason}. {Advice}", ex);
        }
        catch (TimeoutException ex)
        {
            throw new TopicProvisioningException($"could not create the topics on {bootstrapServers}: no answer. {Advice}", ex);
        }
    }

    /// <summary>What <see cref="IAdminClient.CreateTopicsAsync"/> is asked for: partitions, replication factor, compaction.</summary>
    public static List<TopicSpecification> Specifications(IEnumerable<TopicSpec> topics) =>
        [.. topics.Select(t => new TopicSpecification
        {
            Name = t.Name,
            NumPartitions = t.Partitions,
            ReplicationFactor = t.ReplicationFactor,
            Configs = t.Compacted ? new Dictionary<string, string> { ["cleanup.policy"] = "compact" } : null,
        })];
}
