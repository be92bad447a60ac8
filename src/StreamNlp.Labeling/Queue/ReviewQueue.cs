using Microsoft.Extensions.Options;
using StreamNlp.Core.Contracts;
using StreamNlp.Core.Tasks;
using StreamNlp.Labeling.Configuration;

namespace StreamNlp.Labeling.Queue;

/// <summary>
/// The review items read from the review topic and not yet labelled, in arrival order, each leased to at most
/// one annotator at a time: <see cref="Lease"/> hands an annotator the items it already holds (renewed) and then
/// items nobody holds, so two annotators never get the same item; a lease ends when its time-out passes, on
/// <see cref="Skip"/> (the item then goes to someone else) or on <see cref="Complete"/> (labelled: gone).
/// It also tracks, per partition, the offset below which every item is finished, so the reader commits only
/// what was labelled (or unreadable): a restart offers unfinished items again. Thread-safe.
/// </summary>
public sealed class ReviewQueue(TimeProvider time, IOptions<LabelingOptions> options)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<QueuedReview> _items = [];
    private readonly Dictionary<(NlpTask Task, string Id), LinkedListNode<QueuedReview>> _byRecord = [];
    private readonly Dictionary<string, LinkedListNode<QueuedReview>> _byReviewId = new(StringComparer.Ordinal);
    private readonly Dictionary<int, PartitionProgress> _partitions = [];

    private TimeSpan LeaseTime => TimeSpan.FromSeconds(options.Value.LeaseSeconds);

    /// <summary>Items waiting (leased or not).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>
    /// Adds the record at <paramref name="partition"/>/<paramref name="offset"/>. A null <paramref name="item"/>
    /// (unreadable), an unknown task or a (task, id) already waiting is finished at once. Returns whether it was queued.
    /// </summary>
    public bool Add(ReviewItem? item, int partition, long offset)
    {
        lock (_gate)
        {
            var progress = Progress(partition);
            progress.Next = Math.Max(progress.Next, offset + 1);
            if (item is null || !NlpTaskNames.TryParse(item.Task, out var task) || _byRecord.ContainsKey((task, item.Id)))
            {
                return false;
            }

            progress.Pending.Add(offset);
            var node = _items.AddLast(new QueuedReview(item, task, partition, offset));
            _byRecord[(task, item.Id)] = node;
            _byReviewId[node.Value.ReviewId] = node;
            return true;
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> items of <paramref name="task"/> (any task when null) for
    /// <paramref name="annotator"/>: first those it already holds, then free ones it has not skipped, oldest first.
    /// Each is leased (again) until now + <see cref="LabelingOptions.LeaseSeconds"/>.
    /// </summary>
    public IReadOnlyList<ReviewLease> Lease(NlpTask? task, int limit, string annotator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentException.ThrowIfNullOrWhiteSpace(annotator);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var expires = now + LeaseTime;
            var chosen = new List<QueuedReview>(limit);
            foreach (var queued in _items)
            {
                if (chosen.Count == limit)
                {
                    break;
                }

                if ((task is null || queued.Task == task) && queued.IsLeasedTo(annotator, now))
                {
                    chosen.Add(queued);
                }
            }

            foreach (var queued in _items)
            {
                if (chosen.Count == limit)
                {
                    break;
                }

                if ((task is null || queued.Task == task) && !queued.IsLeasedTo(annotator, now)
                    && !queued.IsLeasedToOther(annotator, now) && !queued.SkippedBy.Contains(annotator))
                {
                    chosen.Add(queued);
                }
            }

            foreach (var queued in chosen)
            {
                queued.LeasedBy = annotator;
                queued.LeaseExpiresAt = expires;
            }

            return [.. chosen.Select(q => new ReviewLease(q.ReviewId, q.Item, expires))];
        }
    }

    /// <summary>Releases <paramref name="annotator"/>'s lease on the item; it will not be offered to that annotator again.</summary>
    public SkipOutcome Skip(string reviewId, string annotator)
    {
        lock (_gate)
        {
            if (!_byReviewId.TryGetValue(reviewId, out var node))
            {
                return SkipOutcome.NotFound;
            }

            var queued = node.Value;
            if (queued.IsLeasedToOther(annotator, time.GetUtcNow()))
            {
                return SkipOutcome.LeasedByOther;
            }

            queued.LeasedBy = null;
            queued.LeaseExpiresAt = default;
            queued.SkippedBy.Add(annotator);
            return SkipOutcome.Released;
        }
    }

    /// <summary>Whether the record's item for <paramref name="task"/> is leased to someone other than <paramref name="annotator"/> right now.</summary>
    public bool IsLeasedToOther(NlpTask task, string id, string annotator)
    {
        lock (_gate)
        {
            return _byRecord.TryGetValue((task, id), out var node) && node.Value.IsLeasedToOther(annotator, time.GetUtcNow());
        }
    }

    /// <summary>The record was labelled for <paramref name="task"/>: removes its item and lets its offset be committed. False when none was waiting.</summary>
    public bool Complete(NlpTask task, string id)
    {
        lock (_gate)
        {
            if (!_byRecord.Remove((task, id), out var node))
            {
                return false;
            }

            _byReviewId.Remove(node.Value.ReviewId);
            _items.Remove(node);
            _partitions[node.Value.Partition].Pending.Remove(node.Value.Offset);
            return true;
        }
    }

    /// <summary>Forgets the items and progress of partitions this process no longer reads (revoked in a rebalance).</summary>
    public void DropPartitions(IEnumerable<int> partitions)
    {
        lock (_gate)
        {
            var dropped = partitions.ToHashSet();
            var node = _items.First;
            while (node is not null)
            {
                var next = node.Next;
                if (dropped.Contains(node.Value.Partition))
                {
                    _byRecord.Remove((node.Value.Task, node.Value.Item.Id));
                    _byReviewId.Remove(node.Value.ReviewId);
                    _items.Remove(node);
                }

                node = next;
            }

            foreach (var partition in dropped)
            {
                _partitions.Remove(partition);
            }
        }
    }

    /// <summary>
    /// Per partition (of <paramref name="only"/>, or all), the offset to commit when it moved past the last one
    /// committed: the first unfinished item's, else one past the last record read. The caller commits them and
    /// then calls <see cref="MarkCommitted"/>, so a failed commit is tried again.
    /// </summary>
    public IReadOnlyList<(int Partition, long Offset)> Committable(IEnumerable<int>? only = null)
    {
        lock (_gate)
        {
            var filter = only?.ToHashSet();
            var result = new List<(int, long)>();
            foreach (var (partition, progress) in _partitions)
            {
                if (filter is not null && !filter.Contains(partition))
                {
                    continue;
                }

                var offset = progress.Pending.Count > 0 ? progress.Pending.Min : progress.Next;
                if (offset > progress.Committed)
                {
                    result.Add((partition, offset));
                }
            }

            return result;
        }
    }

    /// <summary>Records offsets Kafka accepted as committed.</summary>
    public void MarkCommitted(IEnumerable<(int Partition, long Offset)> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        lock (_gate)
        {
            foreach (var (partition, offset) in offsets)
            {
                if (_partitions.TryGetValue(partition, out var progress))
                {
                    progress.Committed = Math.Max(progress.Committed, offset);
                }
            }
        }
    }

    private PartitionProgress Progress(int partition)
    {
        if (!_partitions.TryGetValue(partition, out var progress))
        {
            progress = new PartitionProgress();
            _partitions[partition] = progress;
        }

        return progress;
    }
}
