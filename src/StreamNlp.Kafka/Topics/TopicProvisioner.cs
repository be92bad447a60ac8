using Confluent.Kafka;
using Confluent.Kafka.Admin;
using StreamNlp.Kafka.Embedded;

namespace StreamNlp.Kafka.Topics;

/// <summary>Creates topics if they do not exist yet (existing topics are left as they are).</summary>
public static class TopicProvisioner
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// On <paramref name="embedded"/> (whose mock has no admin API) topics are created directly and
    /// <see cref="TopicSpec.Compacted"/> is ignored (the mock never compacts); otherwise through
    /// <see cref="IAdminClient.CreateTopicsAsync"/> against <paramref name="bootstrapServers"/>.
    /// </summary>
    public static async Task EnsureTopicsAsync(
        string bootstrapServers,
        IReadOnlyCollection<TopicSpec> topics,
        EmbeddedKafkaCluster? embedded,
        CancellationToken ct)
    {
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
                var error = embedded.TryCreateTopic(topic.Name, topic.Partitions, topic.ReplicationFactor);
                if (error is not (ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
                {
                    embedded.CreateTopic(topic.Name, topic.Partitions, topic.ReplicationFactor); // throws with details
                }
            }

            return;
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var specifications = topics.Select(t => new TopicSpecification
        {
            Name = t.Name,
            NumPartitions = t.Partitions,
            ReplicationFactor = t.ReplicationFactor,
            Configs = t.Compacted ? new Dictionary<string, string> { ["cleanup.policy"] = "compact" } : null,
        }).ToList();

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
                throw new InvalidOperationException(
                    "Could not create topic(s) " + string.Join(", ", failures.Select(f => $"'{f.Topic}' ({f.Error.Reason})")), ex);
            }
        }
    }
}
