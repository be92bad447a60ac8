namespace StreamNlp.Retrainer.Hosting;

/// <summary>Counters of the retrainer, for tests and the timing command.</summary>
public sealed class RetrainerStatistics
{
    private long _accepted;
    private long _rejected;
    private long _runs;
    private long _replaysPrepared;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Rejected => Interlocked.Read(ref _rejected);

    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Tasks whose replay set the retrainer has encoded into the feature cache (or found it has none) since it started.</summary>
    public long ReplaysPrepared => Interlocked.Read(ref _replaysPrepared);

    internal void CountAccepted() => Interlocked.Increment(ref _accepted);

    internal void CountRejected() => Interlocked.Increment(ref _rejected);

    internal void CountRun() => Interlocked.Increment(ref _runs);

    internal void CountReplayPrepared() => Interlocked.Increment(ref _replaysPrepared);
}
