namespace StreamNlp.Retrainer.Storage;

/// <summary>What <see cref="FeedbackStore.Upsert"/> did with an example.</summary>
public enum FeedbackUpsertOutcome
{
    /// <summary>The text was new for its task; it was stored as unused.</summary>
    Inserted,

    /// <summary>The text was known with a different label (or entities); the new one replaced it and is unused again.</summary>
    Updated,

    /// <summary>The text was known with the same label (or entities); only its id and source were refreshed.</summary>
    Unchanged,
}
