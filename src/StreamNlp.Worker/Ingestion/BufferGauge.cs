namespace StreamNlp.Worker.Ingestion;

/// <summary>
/// Counts the records buffered between the consume loop and the batcher and says when to pause and
/// resume the assigned partitions: pause at the high mark, resume only at the low mark (hysteresis:
/// a pause drops librdkafka's prefetched data, so flapping at one threshold costs throughput).
/// The consume loop never blocks on a full buffer, so it always takes part in rebalances.
/// </summary>
public sealed class BufferGauge
{
    private long _count;

    /// <param name="highMark">Buffered records at which consumption pauses.</param>
    public BufferGauge(int highMark)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(highMark, 1);
        HighMark = highMark;
        LowMark = highMark / 2;
    }

    public int HighMark { get; }

    /// <summary>Half the high mark: consumption resumes once the buffer has drained to here.</summary>
    public int LowMark { get; }

    public long Count => Interlocked.Read(ref _count);

    public bool ShouldPause => Count >= HighMark;

    public bool ShouldResume => Count <= LowMark;

    public void Added() => Interlocked.Increment(ref _count);

    public void Taken(int count) => Interlocked.Add(ref _count, -count);
}
