namespace StreamNlp.Models.Ner;

/// <summary>An entity over the words <c>[Start, End)</c> of a sentence, with its type (e.g. <c>PER</c>).</summary>
public readonly record struct EntitySpan(int Start, int End, string Type)
{
    /// <summary>Number of words in the entity.</summary>
    public int Length => End - Start;
}
