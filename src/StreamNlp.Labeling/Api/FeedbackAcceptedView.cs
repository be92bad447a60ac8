namespace StreamNlp.Labeling.Api;

/// <summary>The answer of <c>POST /api/feedback</c> once Kafka acknowledged the message: where it landed and the <c>source</c> it carries.</summary>
public sealed record FeedbackAcceptedView(string Topic, int Partition, long Offset, string Source);
