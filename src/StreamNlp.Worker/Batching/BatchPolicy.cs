namespace StreamNlp.Worker.Batching;

/// <summary>
/// When a micro-batch is full: <see cref="MaxItems"/> records, or adding the next record would make
/// the padded cost (records × longest record's tokens) exceed <see cref="MaxTokens"/>. A single record
/// always fits, however long: the token limit per text bounds it.
/// </summary>
public readonly record struct BatchPolicy(int MaxItems, TimeSpan MaxWait, int MaxTokens)
{
    /// <summary>Whether a record of <paramref name="tokens"/> may join a batch of <paramref name="count"/> records whose longest has <paramref name="longest"/> tokens.</summary>
    public bool Admits(int count, int longest, int tokens)
    {
        if (count == 0)
        {
            return true;
        }

        if (count >= MaxItems)
        {
            return false;
        }

        var padded = (long)(count + 1) * Math.Max(longest, tokens);
        return padded <= MaxTokens;
    }
}
