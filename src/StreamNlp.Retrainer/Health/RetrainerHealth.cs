namespace StreamNlp.Retrainer.Health;

/// <summary>
/// What the retrainer's probes report. Live: the feedback consume loop polled within <see cref="StallAfter"/> (it
/// polls every 100 ms; training runs on other threads, so a long training round does not look like a hang).
/// Ready: live, the encoder is loaded, and the feedback consumer joined its group (its first assignment came).
/// </summary>
public sealed class RetrainerHealth(TimeProvider time)
{
    public static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(30);

    private long _lastPoll = -1;
    private int _encoderLoaded;
    private int _joined;
    private int _leader;

    public void Polled() => Interlocked.Exchange(ref _lastPoll, time.GetTimestamp());

    public void EncoderLoaded() => Interlocked.Exchange(ref _encoderLoaded, 1);

    public void Joined() => Interlocked.Exchange(ref _joined, 1);

    /// <summary>This instance acquired (true) or lost (false) the retrainer lease.</summary>
    public void Leader(bool leader) => Interlocked.Exchange(ref _leader, leader ? 1 : 0);

    /// <summary>
    /// Whether this instance holds the retrainer lease (it alone retrains and publishes). Shown by the probes; not a
    /// readiness condition: an instance without the lease still stores every label and is ready to take over.
    /// </summary>
    public bool IsLeader => Volatile.Read(ref _leader) == 1;

    /// <summary>Why the retrainer is not live, or null.</summary>
    public string? NotLive()
    {
        var last = Interlocked.Read(ref _lastPoll);
        if (last < 0)
        {
            return null; // not started yet: readiness says so
        }

        var silent = time.GetElapsedTime(last);
        return silent > StallAfter ? $"the feedback consume loop has not polled for {silent.TotalSeconds:0} s" : null;
    }

    /// <summary>Why the retrainer is not ready; empty when it is.</summary>
    public IReadOnlyList<string> NotReady()
    {
        var reasons = new List<string>();
        if (Volatile.Read(ref _encoderLoaded) == 0)
        {
            reasons.Add("encoder not loaded yet");
        }

        if (Interlocked.Read(ref _lastPoll) < 0)
        {
            reasons.Add("feedback consumer not started yet");
        }
        else if (Volatile.Read(ref _joined) == 0)
        {
            reasons.Add("feedback consumer group not joined yet (no partition assignment)");
        }

        if (NotLive() is { } stalled)
        {
            reasons.Add(stalled);
        }

        return reasons;
    }
}
