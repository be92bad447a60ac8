using System.Text.Json;

namespace StreamNlp.Worker.Ingestion;

/// <summary>
/// Notices a consumer on the consumer group protocol (KIP-848) that can never join: a broker before Kafka 4.0
/// does not offer the protocol's heartbeat, and librdkafka then finds the coordinator, cannot send its first
/// heartbeat, and tries again forever without an error. Its statistics show exactly that: the group's
/// coordinator is <c>up</c> while the member's <c>join_state</c> stays <c>init</c> (a member that joins
/// leaves <c>init</c> within a heartbeat). After <see cref="Patience"/> in that state, never having joined,
/// <see cref="GaveUp"/> turns true. Fed from the statistics callback and read by the consume loop, both on
/// the consume thread.
/// </summary>
public sealed class GroupJoinWatch(TimeProvider time, TimeSpan patience)
{
    /// <summary>How long a coordinator may be up while the member has not joined; generous next to a coordinator's load time.</summary>
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(30);

    private bool _joined;
    private DateTimeOffset? _waitingSince;

    public TimeSpan Patience => patience;

    /// <summary>True once the coordinator has been up for <see cref="Patience"/> without the member ever joining.</summary>
    public bool GaveUp => !_joined && _waitingSince is { } since && time.GetUtcNow() - since >= patience;

    /// <summary>Reads the <c>cgrp</c> section of a librdkafka statistics document.</summary>
    public void OnStatistics(string json)
    {
        if (_joined)
        {
            return;
        }

        string? state = null;
        string? joinState = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.TryGetProperty("cgrp", out var group))
            {
                state = group.TryGetProperty("state", out var s) ? s.GetString() : null;
                joinState = group.TryGetProperty("join_state", out var j) ? j.GetString() : null;
            }
        }
        catch (JsonException)
        {
            return; // statistics are advisory
        }

        if (joinState is null)
        {
            return;
        }

        if (joinState != "init")
        {
            _joined = true;
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
}
