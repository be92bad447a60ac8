namespace StreamNlp.Retrainer.Hosting;

/// <summary>Counters of the retrainer, for tests and the timing command.</summary>
public sealed class RetrainerStatistics
{
    private long _accepted;
    private long _rejected;
    private long _runs;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Rejected => Interlocked.Read(ref _rejected);

    public long Runs => Interlocked.Read(ref _runs);

    internal void CountAccepted() => Interlocked.Increment(ref _accepted);

    internal void CountRejected() => Interlocked.Increment(ref _rejected);

    internal void CountRun() => Interlocked.Increment(ref _runs);
}
