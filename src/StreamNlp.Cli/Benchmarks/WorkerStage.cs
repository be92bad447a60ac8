namespace StreamNlp.Cli.Benchmarks;

/// <summary>The worker's two overlapped window stages, as its log events name them.</summary>
internal enum WorkerStage
{
    /// <summary>Encoder and heads over a window's runs (event 2026).</summary>
    Inference,

    /// <summary>Writing the window's records, producing them, waiting for acks, committing (event 2009).</summary>
    Delivery,
}
