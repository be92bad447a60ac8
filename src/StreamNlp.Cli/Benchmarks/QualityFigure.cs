namespace StreamNlp.Cli.Benchmarks;

/// <summary>One line of <c>bench quality</c>: a model's score on one data set (percent), with entity F1 per type for NER.</summary>
internal sealed record QualityFigure(string Task, string Data, string Domain, int Rows, string Metric, double Value, IReadOnlyDictionary<string, double>? PerType);
