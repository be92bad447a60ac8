namespace StreamNlp.Kafka.Topics;

/// <summary>The topics could not be created at start-up; the message says why and which setting avoids it.</summary>
public sealed class TopicProvisioningException(string message, Exception? inner) : Exception(message, inner);
