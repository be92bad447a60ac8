using System.Collections.Concurrent;
using Confluent.Kafka;

namespace StreamNlp.Worker.Ingestion;

/// <summary>
/// Which buffered records still belong to this worker. Every assignment or revocation of a partition
/// starts a new generation; a record carries the generation of its partition when it was consumed,
/// and is processed only while that generation is current. So records buffered from a partition that
/// was revoked (and perhaps assigned back later) are dropped, never published: the partition's new
/// owner consumes them from the committed offset, and nothing is enriched twice.
/// </summary>
public sealed class PartitionGenerations
{
    private readonly ConcurrentDictionary<TopicPartition, long> _generations = new();
    private readonly ConcurrentDictionary<TopicPartition, bool> _owned = new();
    private long _next;
    private int _assignmentChanged;

    /// <summary>Partitions owned now.</summary>
    public int OwnedCount => _owned.Count;

    /// <summary>The current generation of <paramref name="partition"/>.</summary>
    public long Current(TopicPartition partition) => _generations.GetValueOrDefault(partition);

    /// <summary>True while the record's partition is owned and has not been revoked since it was consumed.</summary>
    public bool IsCurrent(TopicPartition partition, long generation) =>
        _owned.ContainsKey(partition) && _generations.GetValueOrDefault(partition) == generation;

    public void Assigned(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _generations[partition] = Interlocked.Increment(ref _next);
            _owned[partition] = true;
        }

        Interlocked.Exchange(ref _assignmentChanged, 1);
    }

    public void Revoked(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _generations[partition] = Interlocked.Increment(ref _next);
            _owned.TryRemove(partition, out _);
        }

        Interlocked.Exchange(ref _assignmentChanged, 1);
    }

    /// <summary>True once after each assignment change (so a paused consumer pauses its new partitions too).</summary>
    public bool TakeAssignmentChanged() => Interlocked.Exchange(ref _assignmentChanged, 0) == 1;
}
