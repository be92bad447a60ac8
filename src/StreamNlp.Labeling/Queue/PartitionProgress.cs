namespace StreamNlp.Labeling.Queue;

/// <summary>One review partition's unfinished offsets, the next offset to read and the last one committed.</summary>
internal sealed class PartitionProgress
{
    public SortedSet<long> Pending { get; } = [];

    public long Next { get; set; }

    public long Committed { get; set; } = -1;
}
