namespace StreamNlp.Cli.Benchmarks;

/// <summary>One window event of the worker: its stage, when it was logged (the stage's end), the window's size and the stage's time.</summary>
internal sealed record WorkerBatchLogEntry(WorkerStage Stage, DateTimeOffset LoggedAt, int Count, double Milliseconds)
{
    /// <summary>When the stage started on this window.</summary>
    public DateTimeOffset StartedAt => LoggedAt - TimeSpan.FromMilliseconds(Milliseconds);
}
