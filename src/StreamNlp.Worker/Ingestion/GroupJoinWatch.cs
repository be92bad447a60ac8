using System.Text.Json;

namespace StreamNlp.Worker.Ingestion;

/// <summary>
/// Tells, from librdkafka's statistics, whether a consumer on the consumer group protocol (KIP-848) is in its
/// group, and notices one that never can be.
/// <para>
/// A broker before Kafka 4.0 does not offer the protocol's heartbeat: librdkafka finds the coordinator, cannot
/// send a first heartbeat, and tries again forever without an error. A member the broker gives no partition
/// (more workers than partitions) gets no assignment callback and keeps <c>join_state</c> <c>init</c> too, so
/// neither the callbacks nor <c>cgrp</c> tell the two apart. What does: the statistics count every request
/// sent to the coordinator (<c>tx</c>) but name each type except the group heartbeat (<c>req</c> hides it), so
/// <c>tx</c> above the sum of the named ones means heartbeats went out: the member is in its group.
/// </para>
/// <para>
/// <see cref="Joined"/> turns true at the first sign of membership (a heartbeat sent, or a <c>join_state</c>
/// past <c>init</c>) and stays so. <see cref="GaveUp"/> turns true once the coordinator has been <c>up</c> for
/// <see cref="Patience"/> with no heartbeat ever sent. Fed from the statistics callback and read by the consume
/// loop, both on the consume thread.
/// </para>
/// </summary>
public sealed class GroupJoinWatch(TimeProvider time, TimeSpan patience)
{
    /// <summary>How long a coordinator may be up while the member has not joined; generous next to a coordinator's load time.</summary>
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(30);

    /// <summary>The statistics' name for the connection to the group coordinator.</summary>
    private const string CoordinatorEntry = "GroupCoordinator";

    private DateTimeOffset? _waitingSince;

    public TimeSpan Patience => patience;

    /// <summary>True once the member has shown it is in its group (with or without partitions).</summary>
    public bool Joined { get; private set; }

    /// <summary>True once the coordinator has been up for <see cref="Patience"/> without the member ever sending a heartbeat.</summary>
    public bool GaveUp => !Joined && _waitingSince is { } since && time.GetUtcNow() - since >= patience;

    /// <summary>Reads the <c>cgrp</c> section and the coordinator's request counts of a librdkafka statistics document.</summary>
    public void OnStatistics(string json)
    {
        if (Joined)
        {
            return;
        }

        string? state;
        bool joined;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (!root.TryGetProperty("cgrp", out var group))
            {
                return;
            }

            state = group.TryGetProperty("state", out var s) ? s.GetString() : null;
            var joinState = group.TryGetProperty("join_state", out var j) ? j.GetString() : null;
            joined = (joinState is not null && joinState != "init") || HeartbeatsSent(root);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return; // statistics are advisory
        }

        if (joined)
        {
            Joined = true;
            _waitingSince = null;
        }
        else if (state == "up")
        {
            _waitingSince ??= time.GetUtcNow();
        }
        else
        {
            _waitingSince = null; // no coordinator yet: that is the broker monitor's business
        }
    }

    /// <summary>Requests sent to the coordinator beyond those the statistics name: the group heartbeats.</summary>
    private static bool HeartbeatsSent(JsonElement root)
    {
        if (!root.TryGetProperty("brokers", out var brokers)
            || !brokers.TryGetProperty(CoordinatorEntry, out var coordinator)
            || !coordinator.TryGetProperty("tx", out var tx)
            || !coordinator.TryGetProperty("req", out var requests))
        {
            return false;
        }

        long named = 0;
        foreach (var request in requests.EnumerateObject())
        {
            named += request.Value.GetInt64();
        }

        return tx.GetInt64() > named;
    }
}
