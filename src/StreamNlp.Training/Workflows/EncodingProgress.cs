namespace StreamNlp.Training.Workflows;

/// <summary>How far encoding a data set has come.</summary>
public readonly record struct EncodingProgress(string Stage, int Done, int Total);
