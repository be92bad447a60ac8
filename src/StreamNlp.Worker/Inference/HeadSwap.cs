using StreamNlp.Core.Tasks;

namespace StreamNlp.Worker.Inference;

/// <summary>A head that changed between batches (or failed to load, with the reason).</summary>
public sealed record HeadSwap(NlpTask Task, string FromVersion, string ToVersion, string? Error = null);
