namespace StreamNlp.Labeling.Api;

/// <summary>One task's versions, oldest first.</summary>
/// <param name="Current">The serving version (the registry's <c>current</c>).</param>
/// <param name="Metric">The dev metric charted as <see cref="ModelVersionView.Dev"/> (accuracy, or entity f1 for ner).</param>
public sealed record TaskModelsView(string Task, string? Current, string Metric, IReadOnlyList<ModelVersionView> Versions);
