namespace StreamNlp.Worker.Health;

/// <summary>
/// What the probes report, kept up to date by the enrichment worker. Liveness: the consume loop has polled
/// recently (a stuck loop would stop taking part in rebalances). Readiness: the models are loaded, a broker
/// answers, and the worker has joined its consumer group (its first assignment arrived, possibly empty).
/// </summary>
public sealed class WorkerHealth(TimeProvider time)
{
    /// <summary>Longest the consume loop may go without polling before liveness fails (it polls every 100 ms).</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(30);

    private long _lastPoll;
    private int _modelsLoaded;
    private int _joined;
    private int _assigned;
    private Func<bool>? _brokerReachable;

    public void ModelsLoaded() => Volatile.Write(ref _modelsLoaded, 1);

    /// <summary>The source of broker reachability (the worker's connection monitor).</summary>
    public void TrackBroker(Func<bool> reachable) => Volatile.Write(ref _brokerReachable, reachable);

    public void Polled() => Interlocked.Exchange(ref _lastPoll, time.GetTimestamp());

    /// <summary>The worker is in its group but has no assignment yet (on the consumer protocol a member given no partition gets none).</summary>
    public void Joined() => Volatile.Write(ref _joined, 1);

    public void Assignment(int partitions)
    {
        Volatile.Write(ref _joined, 1);
        Volatile.Write(ref _assigned, partitions);
    }

    /// <summary>Null when alive, else the reason.</summary>
    public string? NotLive()
    {
        var last = Interlocked.Read(ref _lastPoll);
        if (last == 0)
        {
            return null; // not consuming yet: start-up is not a hang
        }

        var since = time.GetElapsedTime(last);
        return since > StuckAfter ? $"the consume loop has not polled for {since.TotalSeconds:F0} s" : null;
    }

    /// <summary>Every reason the worker is not ready; empty when ready.</summary>
    public IReadOnlyList<string> NotReady()
    {
        var reasons = new List<string>();
        if (Volatile.Read(ref _modelsLoaded) == 0)
        {
            reasons.Add("models not loaded yet");
        }

        if (Volatile.Read(ref _brokerReachable) is not { } reachable)
        {
            reasons.Add("not connected to Kafka yet");
        }
        else if (!reachable())
        {
            reasons.Add("no Kafka broker reachable");
        }

        if (Volatile.Read(ref _joined) == 0)
        {
            reasons.Add("consumer group not joined yet (no partition assignment)");
        }

        if (NotLive() is { } stuck)
        {
            reasons.Add(stuck);
        }

        return reasons;
    }

    public int AssignedPartitions => Volatile.Read(ref _assigned);
}
