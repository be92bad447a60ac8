namespace StreamNlp.Training.Workflows;

/// <summary>Which task network <c>streamnlp train</c> builds on the frozen encoder.</summary>
public enum HeadKind
{
    /// <summary>Mean-pooled vectors (sequence tasks) or per-token vectors + shape features (NER) into softmax regression or an MLP (<c>--hidden</c>).</summary>
    Dense,

    /// <summary>Sequence tasks: per-token projection, learned attention pooling with mean and max pooling, MLP.</summary>
    Attention,

    /// <summary>NER: 1-D convolutions over the token vectors and shape features.</summary>
    Convolutional,
}
