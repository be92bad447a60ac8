using StreamNlp.Worker.Publishing;

namespace StreamNlp.Worker.Inference;

/// <summary>What one window of inputs became, and what it cost the encoder: how many runs, how many padded tokens.</summary>
public sealed record EnrichmentResult(IReadOnlyList<OutgoingRecord> Records, int EncoderRuns, long PaddedTokens);
