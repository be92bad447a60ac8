namespace StreamNlp.Worker.Hosting;

/// <summary>
/// The broker refused the worker's static membership: another member with the same <c>group.instance.id</c> is
/// still registered (on the consumer protocol, a crashed predecessor stays until the broker's session time-out).
/// </summary>
public sealed class GroupInstanceInUseException(string instanceId, string reason)
    : Exception(
        $"the group already has a member with StreamNlp:Kafka:GroupInstanceId '{instanceId}' ({reason}): another running worker uses it, " +
        "or a crashed one has not yet timed out on the broker (a restart after the group's session time-out succeeds); give every worker its own id, or leave it unset");
