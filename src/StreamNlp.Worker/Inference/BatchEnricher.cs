using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Polly;
using StreamNlp.Core.Contracts;
using StreamNlp.Models.Inference;
using StreamNlp.Worker.Hosting;
using StreamNlp.Worker.Ingestion;
using StreamNlp.Worker.Publishing;

namespace StreamNlp.Worker.Inference;

/// <summary>
/// The inference stage: one encoder run (through the model bundle) per micro-batch of valid inputs,
/// every task head on its output, one enriched record per input; invalid inputs become dead letters.
/// When a batch still fails after the inference retries, each input is tried alone so one poisonous
/// text cannot take its neighbours down; whatever still fails is dead-lettered with the reason.
/// </summary>
public sealed class BatchEnricher(
    IModelBundleProvider models,
    string outputTopic,
    DeadLetterFactory deadLetters,
    ReviewRouter review,
    ResiliencePipeline inferencePipeline,
    TimeProvider time,
    ILogger logger)
{
    public async Task<IReadOnlyList<OutgoingRecord>> EnrichAsync(IReadOnlyList<ConsumedInput> batch, CancellationToken cancellationToken)
    {
        var bundle = models.Current; // the whole batch runs on one model version
        var valid = batch.Where(i => i.Parsed.IsValid).ToList();
        var annotations = new Dictionary<ConsumedInput, TextAnnotation>(ReferenceEqualityComparer.Instance);
        var failures = new Dictionary<ConsumedInput, string>(ReferenceEqualityComparer.Instance);
        if (valid.Count > 0)
        {
            try
            {
                var results = await inferencePipeline.ExecuteAsync(
                    _ => ValueTask.FromResult(bundle.Annotate([.. valid.Select(v => v.Tokens!)])), cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < valid.Count; i++)
                {
                    annotations[valid[i]] = results[i];
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                WorkerLog.BatchInferenceFailed(logger, valid.Count, ex);
                foreach (var input in valid)
                {
                    try
                    {
                        annotations[input] = bundle.Annotate([input.Tokens!])[0];
                    }
                    catch (Exception single) when (single is not OperationCanceledException)
                    {
                        failures[input] = $"{single.GetType().Name}: {single.Message}";
                    }
                }
            }
        }

        var versions = bundle.Versions;
        var now = time.GetUtcNow();
        var nowTimestamp = time.GetTimestamp();
        var records = new List<OutgoingRecord>(batch.Count);
        foreach (var input in batch)
        {
            if (!input.Parsed.IsValid)
            {
                records.Add(deadLetters.Create(input, input.Parsed.ErrorCode!, input.Parsed.ErrorDetail ?? input.Parsed.ErrorCode!));
            }
            else if (failures.TryGetValue(input, out var reason))
            {
                records.Add(deadLetters.Create(input, InputErrors.InferenceFailed, reason));
            }
            else
            {
                var enriched = Enriched(input, annotations[input], versions, now, nowTimestamp, out var id);
                records.Add(enriched);
                records.AddRange(review.ItemsFor(input, id, annotations[input], versions));
            }
        }

        return records;
    }

    private OutgoingRecord Enriched(
        ConsumedInput input, TextAnnotation annotation, IReadOnlyDictionary<string, string> versions, DateTimeOffset now, long nowTimestamp, out string id)
    {
        var source = input.Source;
        id = input.Parsed.Id ?? source.ToString();
        var record = new EnrichedRecord
        {
            Id = id,
            Text = input.Parsed.Text!,
            Classification = annotation.Classification,
            Sentiment = annotation.Sentiment,
            Entities = annotation.Entities,
            Truncated = annotation.Truncated,
            Models = versions,
            Source = source,
            LatencyMs = input.Timestamp.Type == TimestampType.NotAvailable
                ? 0
                : Math.Max(0, (now - input.Timestamp.UtcDateTime).TotalMilliseconds),
            ProcessingMs = Stopwatch.GetElapsedTime(input.ConsumedAtTimestamp, nowTimestamp).TotalMilliseconds,
            ProcessedAt = now,
            Metadata = input.Parsed.Metadata,
        };
        var message = new Message<byte[]?, byte[]>
        {
            Key = input.Key,
            Value = JsonSerializer.SerializeToUtf8Bytes(record, ContractsJsonContext.Readable.EnrichedRecord),
        };
        return new OutgoingRecord(outputTopic, message, input, OutgoingKind.Enriched);
    }
}
