using Confluent.Kafka;
using Confluent.Kafka.Admin;
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
    /// <see cref="IAdminClient.CreateTopicsAsync"/> against <paramref name="bootstrapServers"/>.
    /// </summary>
    public static async Task EnsureTopicsAsync(
        string bootstrapServers,
        IReadOnlyCollection<TopicSpec> topics,
        EmbeddedKafkaCluster? embedded,
        CancellationToken ct,
        Action<LogMessage>? log = null)
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
        var builder = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers });
        if (log is not null)
        {
            builder.SetLogHandler((_, message) => log(message)); // not raw on stderr
        }

        using var admin = builder.Build();
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
}
