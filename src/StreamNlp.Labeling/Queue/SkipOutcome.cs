namespace StreamNlp.Labeling.Queue;

/// <summary>What <see cref="ReviewQueue.Skip"/> did.</summary>
public enum SkipOutcome
{
    /// <summary>The lease (if any) was released; the item goes to the next annotator, not back to this one.</summary>
    Released,

    /// <summary>No item with that id is waiting (already labelled, or never read).</summary>
    NotFound,

    /// <summary>Another annotator holds the item's lease.</summary>
    LeasedByOther,
}
