namespace StreamNlp.Retrainer.Configuration;

/// <summary>The base training and dev files of one task (JSONL, or CoNLL for NER).</summary>
public sealed class BaseDataOptions
{
    public string? Train { get; set; }

    public string? Dev { get; set; }
}
