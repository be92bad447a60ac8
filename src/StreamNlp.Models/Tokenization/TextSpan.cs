namespace StreamNlp.Models.Tokenization;

/// <summary>A character range <c>[Start, End)</c> in a text.</summary>
public readonly record struct TextSpan(int Start, int End)
{
    public int Length => End - Start;
}
