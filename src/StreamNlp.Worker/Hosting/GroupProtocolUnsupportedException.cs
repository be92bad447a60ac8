namespace StreamNlp.Worker.Hosting;

/// <summary>The broker never let the worker join on the consumer group protocol (a broker before Kafka 4.0).</summary>
public sealed class GroupProtocolUnsupportedException(TimeSpan waited)
    : Exception(
        $"the group coordinator has been reachable for {waited.TotalSeconds:F0} s but the worker never joined its group: the broker does not offer " +
        "the consumer group protocol (KIP-848, Kafka 4.0 or later); set StreamNlp:Kafka:GroupProtocol=Classic");
