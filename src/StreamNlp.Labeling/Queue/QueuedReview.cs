using StreamNlp.Core.Contracts;
using StreamNlp.Core.Tasks;

namespace StreamNlp.Labeling.Queue;

/// <summary>One review item held by <see cref="ReviewQueue"/>: where it came from and who holds it until when.</summary>
internal sealed class QueuedReview(ReviewItem item, NlpTask task, int partition, long offset)
{
    public ReviewItem Item { get; } = item;

    /// <summary>The queue's own key of this item, safe in a URL path: <c>&lt;task&gt;-&lt;partition&gt;-&lt;offset&gt;</c> of the review record.</summary>
    public string ReviewId { get; } = $"{task.ToName()}-{partition}-{offset}";

    public NlpTask Task { get; } = task;

    public int Partition { get; } = partition;

    public long Offset { get; } = offset;

    public string? LeasedBy { get; set; }

    public DateTimeOffset LeaseExpiresAt { get; set; }

    /// <summary>Annotators who skipped it: it is not offered to them again.</summary>
    public HashSet<string> SkippedBy { get; } = new(StringComparer.Ordinal);

    public bool IsLeasedToOther(string annotator, DateTimeOffset now) =>
        LeasedBy is not null && LeaseExpiresAt > now && !string.Equals(LeasedBy, annotator, StringComparison.Ordinal);

    public bool IsLeasedTo(string annotator, DateTimeOffset now) =>
        LeaseExpiresAt > now && string.Equals(LeasedBy, annotator, StringComparison.Ordinal);
}
