namespace StreamNlp.Labeling.Publishing;

/// <summary>Kafka did not acknowledge a feedback message (no broker, time-out, refused): the API answers 503 with the reason.</summary>
public sealed class FeedbackUnavailableException : Exception
{
    public FeedbackUnavailableException()
    {
    }

    public FeedbackUnavailableException(string message)
        : base(message)
    {
    }

    public FeedbackUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
