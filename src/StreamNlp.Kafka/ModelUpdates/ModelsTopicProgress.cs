namespace StreamNlp.Kafka.ModelUpdates;

/// <summary>
/// Whether this process's <see cref="ModelUpdateListener"/> has read the models topic to its end at least once since
/// start: every version published before then is in the local registry. The retrainer waits for it before numbering a
/// new version, so an instance that just took the lease never reuses a published version's number.
/// </summary>
public sealed class ModelsTopicProgress
{
    private int _caughtUp;

    public bool CaughtUp => Volatile.Read(ref _caughtUp) == 1;

    internal void MarkCaughtUp() => Interlocked.Exchange(ref _caughtUp, 1);
}
