namespace StreamNlp.Models.Ner;

/// <summary>The role of a BIO tag: outside any entity, beginning one, or inside (continuing) one.</summary>
public enum BioTagKind
{
    Outside,
    Begin,
    Inside,
}
