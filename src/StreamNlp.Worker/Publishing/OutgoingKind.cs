namespace StreamNlp.Worker.Publishing;

/// <summary>Which output topic a record is for.</summary>
public enum OutgoingKind
{
    Enriched,
    DeadLetter,
    Review,
}
