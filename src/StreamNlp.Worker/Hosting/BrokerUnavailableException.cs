namespace StreamNlp.Worker.Hosting;

/// <summary>No Kafka broker answered for longer than <c>StreamNlp:Kafka:BrokerLossExitSeconds</c>.</summary>
public sealed class BrokerUnavailableException(TimeSpan waited)
    : Exception($"no Kafka broker answered for {waited.TotalSeconds:F0} s (StreamNlp:Kafka:BrokerLossExitSeconds)");
