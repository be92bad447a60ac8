namespace StreamNlp.Training.Data;

/// <summary>A sentence of a CoNLL file: its tokens and one IOB2 tag per token.</summary>
public sealed record ConllSentence
{
    /// <exception cref="ArgumentException">The two lists differ in length.</exception>
    public ConllSentence(IReadOnlyList<string> tokens, IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(tags);
        if (tokens.Count != tags.Count)
        {
            throw new ArgumentException($"{tokens.Count} tokens but {tags.Count} tags.", nameof(tags));
        }

        Tokens = tokens;
        Tags = tags;
    }

    public IReadOnlyList<string> Tokens { get; }

    public IReadOnlyList<string> Tags { get; }
}
