using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Polly;
using StreamNlp.Core.Contracts;
using StreamNlp.Models.Inference;
using StreamNlp.Worker.Batching;
using StreamNlp.Worker.Hosting;
using StreamNlp.Worker.Ingestion;
using StreamNlp.Worker.Publishing;

namespace StreamNlp.Worker.Inference;

/// <summary>
/// Inference and record writing for a window of inputs. <see cref="AnnotateAsync"/> (the inference stage)
/// groups it by token length into runs (<see cref="LengthGrouping"/>; without one, the whole window is one run), the
/// segments (sentences) of a run's texts go through the encoder in passes of similar length
/// (<see cref="SegmentPasses"/>, within <see cref="SegmentPaddingWaste"/>) and every task head reads each pass's output; <see cref="Records"/> (run by the delivery
/// stage, so JSON never holds up the encoder) writes one enriched record per input in arrival order;
/// invalid inputs become dead letters.
/// When a batch still fails after the inference retries, each input is tried alone so one poisonous
/// text cannot take its neighbours down; whatever still fails is dead-lettered with the reason.
/// Writing each enriched record is guarded the same way: a record that cannot be serialised, or whose
/// JSON would exceed the producer's message size limit, becomes that input's dead letter.
/// </summary>
public sealed class BatchEnricher(
    IModelBundleProvider models,
    string outputTopic,
    DeadLetterFactory deadLetters,
    ReviewRouter review,
    ResiliencePipeline inferencePipeline,
    TimeProvider time,
    ILogger logger,
    int maxMessageBytes = DeadLetterFactory.DefaultMaxMessageBytes,
    LengthGrouping? grouping = null)
{
    /// <summary>
    /// Padding waste allowed within one encoder pass over a run's segments (<c>StreamNlp:Batching:MaxPaddingWaste</c>);
    /// infinity: each run is one pass.
    /// </summary>
    public double SegmentPaddingWaste { get; init; } = double.PositiveInfinity;

    /// <summary>Both stages at once: <see cref="AnnotateAsync"/>, then <see cref="Records"/>.</summary>
    public async Task<EnrichmentResult> EnrichAsync(IReadOnlyList<ConsumedInput> batch, CancellationToken cancellationToken) =>
        Records(await AnnotateAsync(batch, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// The inference stage: the window's valid inputs grouped into encoder runs, each run through the encoder
    /// and every head, stamped with the moment it finished.
    /// </summary>
    public async Task<AnnotatedWindow> AnnotateAsync(IReadOnlyList<ConsumedInput> batch, CancellationToken cancellationToken)
    {
        var bundle = models.Current; // the whole window runs on one model version
        var valid = batch.Where(i => i.Parsed.IsValid).ToList();
        var lengths = valid.Select(v => v.TokenCount).ToList();
        IReadOnlyList<int[]> runs = grouping?.Plan(lengths) ?? (valid.Count == 0 ? [] : [[.. Enumerable.Range(0, valid.Count)]]);
        var annotations = new Dictionary<ConsumedInput, TextAnnotation>(ReferenceEqualityComparer.Instance);
        var failures = new Dictionary<ConsumedInput, string>(ReferenceEqualityComparer.Instance);
        var finishedAt = new Dictionary<ConsumedInput, (DateTimeOffset Now, long Timestamp)>(ReferenceEqualityComparer.Instance);
        var passes = 0;
        long padded = 0;
        foreach (var run in runs)
        {
            var inputs = run.Select(i => valid[i]).ToList();
            var (runPasses, runPadded) = await AnnotateRunAsync(bundle, inputs, annotations, failures, cancellationToken).ConfigureAwait(false);
            passes += runPasses;
            padded += runPadded;
            var stamp = (time.GetUtcNow(), time.GetTimestamp()); // records of one encoder run share processedAt
            foreach (var input in inputs)
            {
                finishedAt[input] = stamp;
            }
        }

        return new AnnotatedWindow(batch, annotations, failures, finishedAt, bundle.Versions, passes, padded);
    }

    /// <summary>
    /// The writing half of the delivery stage: one enriched record per input (plus its review items) in
    /// arrival order, whatever order the runs took; a dead letter for an invalid input, a failed inference or
    /// a record that cannot be written.
    /// </summary>
    public EnrichmentResult Records(AnnotatedWindow window)
    {
        var records = new List<OutgoingRecord>(window.Inputs.Count);
        foreach (var input in window.Inputs)
        {
            if (!input.Parsed.IsValid)
            {
                records.Add(deadLetters.Create(input, input.Parsed.ErrorCode!, input.Parsed.ErrorDetail ?? input.Parsed.ErrorCode!));
            }
            else if (window.Failures.TryGetValue(input, out var reason))
            {
                records.Add(deadLetters.Create(input, InputErrors.InferenceFailed, reason));
            }
            else
            {
                var (now, nowTimestamp) = window.FinishedAt[input];
                AddEnriched(records, input, window.Annotations[input], window.Versions, now, nowTimestamp);
            }
        }

        return new EnrichmentResult(records, window.EncoderRuns, window.PaddedTokens);
    }

    /// <summary>
    /// One run through the encoder (with the inference retries); when it still fails, each input alone, so one
    /// poisonous text cannot take its neighbours down. Returns the encoder passes and padded positions it took.
    /// </summary>
    private async Task<(int Passes, long PaddedTokens)> AnnotateRunAsync(
        ModelBundle bundle, List<ConsumedInput> inputs, Dictionary<ConsumedInput, TextAnnotation> annotations,
        Dictionary<ConsumedInput, string> failures, CancellationToken cancellationToken)
    {
        try
        {
            var results = await inferencePipeline.ExecuteAsync(
                _ => ValueTask.FromResult(bundle.AnnotateSegmented([.. inputs.Select(v => v.Segments!)], maxPaddingWaste: SegmentPaddingWaste)), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < inputs.Count; i++)
            {
                annotations[inputs[i]] = results.Annotations[i];
            }

            return (results.EncoderPasses, results.PaddedTokens);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            WorkerLog.BatchInferenceFailed(logger, inputs.Count, ex);
            var passes = 0;
            long padded = 0;
            foreach (var input in inputs)
            {
                try
                {
                    var alone = bundle.AnnotateSegmented([input.Segments!], maxPaddingWaste: SegmentPaddingWaste);
                    annotations[input] = alone.Annotations[0];
                    passes += alone.EncoderPasses;
                    padded += alone.PaddedTokens;
                }
                catch (Exception single) when (single is not OperationCanceledException)
                {
                    failures[input] = $"{single.GetType().Name}: {single.Message}";
                }
            }

            return (passes, padded);
        }
    }

    private void AddEnriched(
        List<OutgoingRecord> records, ConsumedInput input, TextAnnotation annotation, IReadOnlyDictionary<string, string> versions, DateTimeOffset now, long nowTimestamp)
    {
        string id;
        try
        {
            var enriched = Enriched(input, annotation, versions, now, nowTimestamp, out id);
            var size = Size(enriched.Message);
            if (size > maxMessageBytes - DeadLetterFactory.RecordOverhead)
            {
                records.Add(deadLetters.Create(input, InputErrors.OutputFailed,
                    $"the enriched record would be {size} bytes; the producer's limit (message.max.bytes) is {maxMessageBytes}"));
                return;
            }

            records.Add(enriched);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            records.Add(deadLetters.Create(input, InputErrors.OutputFailed, $"the enriched record could not be written: {ex.GetType().Name}: {ex.Message}"));
            return;
        }

        try
        {
            // Review items are a convenience for people; one that cannot be written is skipped, the record is not.
            foreach (var item in review.ItemsFor(input, id, annotation, versions).ToList())
            {
                if (Size(item.Message) > maxMessageBytes - DeadLetterFactory.RecordOverhead)
                {
                    WorkerLog.ReviewSkipped(logger, input.Source.ToString(), "larger than the producer's message size limit");
                    continue;
                }

                records.Add(item);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            WorkerLog.ReviewSkipped(logger, input.Source.ToString(), $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static int Size(Message<byte[]?, byte[]> message) => (message.Key?.Length ?? 0) + (message.Value?.Length ?? 0);

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
