using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using StreamNlp.Kafka.Tracing;
using StreamNlp.Telemetry;
using StreamNlp.Worker.Ingestion;
using StreamNlp.Worker.Publishing;

namespace StreamNlp.Worker.Telemetry;

/// <summary>
/// The spans of one batch: an <c>enrich batch</c> span linked to the trace of every input that names one, and a
/// <c>process</c> span per record, from its consumption to its output being acknowledged. A record span continues the
/// trace of its input's W3C <c>traceparent</c> header (and links to the batch span); an input without one gets its
/// record span under the batch span. Every record written for an input (enriched record, dead letter, review item)
/// carries a <c>traceparent</c> naming that input's record span, so the same trace id follows the data.
/// When nothing listens to the <c>StreamNlp</c> activity source, no span is made and the input's own
/// <c>traceparent</c> is passed on unchanged.
/// </summary>
public sealed class BatchTrace : IDisposable
{
    private readonly Activity? _batch;
    private readonly Dictionary<ConsumedInput, (Activity? Span, ActivityContext Upstream)> _records = new(ReferenceEqualityComparer.Instance);
    private bool _stopped;

    private BatchTrace(IReadOnlyList<ConsumedInput> inputs, long batchId)
    {
        BatchId = batchId;
        var ambient = Activity.Current;
        var source = StreamNlpTelemetry.ActivitySource;
        var upstream = new List<ActivityContext>(inputs.Count);
        foreach (var input in inputs)
        {
            upstream.Add(TraceContextHeaders.TryExtract(input.Headers, out var context) ? context : default);
        }

        var links = upstream.Where(c => c != default).Distinct().Select(c => new ActivityLink(c)).ToList();
        var batchTags = new KeyValuePair<string, object?>[]
        {
            new("streamnlp.batch.id", batchId),
            new("messaging.batch.message_count", inputs.Count),
        };
        _batch = source.StartActivity("enrich batch", ActivityKind.Internal, parentContext: default, batchTags, links);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var parent = upstream[i] != default ? upstream[i] : _batch?.Context ?? default;
            var recordLinks = upstream[i] != default && _batch is not null ? new[] { new ActivityLink(_batch.Context) } : null;
            var tags = new KeyValuePair<string, object?>[]
            {
                new("messaging.system", "kafka"),
                new("messaging.operation.type", "process"),
                new("messaging.destination.name", input.Coordinates.Topic),
                new("messaging.destination.partition.id", input.Coordinates.Partition.Value.ToString(CultureInfo.InvariantCulture)),
                new("messaging.kafka.offset", input.Coordinates.Offset.Value),
                new("streamnlp.batch.id", batchId),
            };
            var consumedAt = now - Stopwatch.GetElapsedTime(input.ConsumedAtTimestamp);
            var span = source.StartActivity($"process {input.Coordinates.Topic}", ActivityKind.Consumer, parent, tags, recordLinks, consumedAt);
            _records[input] = (span, upstream[i]);
        }

        Activity.Current = ambient; // starting spans made them ambient; the stages choose when the batch is (Enter)
    }

    /// <summary>The batch's number in this worker (log scopes, span attribute <c>streamnlp.batch.id</c>).</summary>
    public long BatchId { get; }

    /// <summary>Starts the spans of a batch of inputs (consumed, not yet enriched).</summary>
    public static BatchTrace Start(IReadOnlyList<ConsumedInput> inputs, long batchId) => new(inputs, batchId);

    /// <summary>
    /// Makes the batch span the ambient one (<see cref="Activity.Current"/>) until disposed, so what a stage logs for
    /// the batch names its trace; restores the span that was ambient before.
    /// </summary>
    public AmbientSpan Enter() => new(_batch);

    /// <summary>Writes each outgoing record's <c>traceparent</c>: its input's record span, else the input's own.</summary>
    public void Stamp(IReadOnlyList<OutgoingRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            if (!_records.TryGetValue(record.Input, out var trace))
            {
                continue;
            }

            var context = trace.Span?.Context ?? trace.Upstream;
            if (context == default)
            {
                continue;
            }

            record.Message.Headers ??= [];
            TraceContextHeaders.Set(record.Message.Headers, context);
        }
    }

    /// <summary>The records were delivered: each record span ends with its outcome (a dead letter's is an error), then the batch span.</summary>
    public void Complete(IReadOnlyList<OutgoingRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            if (record.Kind == OutgoingKind.Review || !_records.TryGetValue(record.Input, out var trace) || trace.Span is not { } span)
            {
                continue;
            }

            span.SetTag("streamnlp.outcome", record.Kind == OutgoingKind.DeadLetter ? "deadletter" : "enriched");
            if (record.Kind == OutgoingKind.DeadLetter)
            {
                span.SetTag("streamnlp.error", record.ErrorCode);
                span.SetStatus(ActivityStatusCode.Error, record.ErrorCode);
            }
        }

        Stop();
    }

    public void Dispose() => Stop();

    private void Stop()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        foreach (var (span, _) in _records.Values)
        {
            span?.Stop();
        }

        _batch?.Stop();
    }
}
