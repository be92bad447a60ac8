namespace StreamNlp.Labeling.Api;

/// <summary>
/// The answer of <c>GET /api/models</c>: every task's versions from the model registry and the retrainer's
/// recorded decisions (newest first), with the files they were read from.
/// </summary>
/// <param name="Registry">The registry folder read.</param>
/// <param name="RegistryFound">Whether that folder exists (a page on another machine may not see it).</param>
/// <param name="DecisionsFile">The retrainer's SQLite file read for decisions, or null when there is none.</param>
public sealed record ModelsView(
    string Registry,
    bool RegistryFound,
    string? DecisionsFile,
    IReadOnlyList<TaskModelsView> Tasks,
    IReadOnlyList<RetrainDecisionView> Decisions);
