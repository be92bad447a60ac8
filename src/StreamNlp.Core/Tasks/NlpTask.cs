namespace StreamNlp.Core.Tasks;

/// <summary>The task heads that run on top of the shared encoder.</summary>
public enum NlpTask
{
    /// <summary>Topic classification of the whole text (AG News labels by default).</summary>
    Classification,

    /// <summary>Sentiment of the whole text (SST-2 labels by default).</summary>
    Sentiment,

    /// <summary>Named entities: per-token BIO tags decoded into character spans.</summary>
    Ner,
}
