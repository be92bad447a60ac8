using System.Diagnostics;
using System.Diagnostics.Metrics;
using StreamNlp.Kafka.Clients;
using StreamNlp.Telemetry;
using StreamNlp.Worker.Publishing;

namespace StreamNlp.Worker.Telemetry;

/// <summary>
/// The enrichment worker's instruments on the <c>StreamNlp</c> meter, named as Prometheus shows them (the exporter
/// adds <c>_total</c> to counters): <c>streamnlp_records_total{outcome}</c>, <c>streamnlp_deadletters_total{reason}</c>,
/// <c>streamnlp_batch_size</c>, <c>streamnlp_batch_tokens</c>, <c>streamnlp_inference_duration_seconds</c>,
/// <c>streamnlp_record_latency_seconds</c>, <c>streamnlp_consumer_lag{topic,partition}</c> and
/// <c>streamnlp_model_info{task,version,encoder}</c>. The worker calls in at a few points and nothing here decides
/// anything about the pipeline.
/// </summary>
public sealed class WorkerMetrics
{
    private readonly Counter<long> _records;
    private readonly Counter<long> _deadLetters;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<long> _batchTokens;
    private readonly Histogram<double> _inferenceDuration;
    private readonly Histogram<double> _recordLatency;
    private IReadOnlyList<PartitionLag> _lags = [];
    private Func<IReadOnlyDictionary<string, string>>? _servingModels;

    public WorkerMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(StreamNlpTelemetry.MeterName);
        _records = meter.CreateCounter<long>("streamnlp_records", description: "Records published per input, by outcome: enriched, deadletter, review.");
        _deadLetters = meter.CreateCounter<long>("streamnlp_deadletters", description: "Inputs dead-lettered, by reason (the streamnlp-error header).");
        _batchSize = meter.CreateHistogram("streamnlp_batch_size", unit: "{record}", description: "Records per batch (a window enriched, delivered and committed together).",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });
        _batchTokens = meter.CreateHistogram("streamnlp_batch_tokens", unit: "{token}", description: "Padded tokens the encoder ran per batch (records × longest, summed over its encoder runs).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536] });
        _inferenceDuration = meter.CreateHistogram("streamnlp_inference_duration", unit: "s", description: "Inference time of one batch: its encoder runs and every head (the inference stage).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StreamNlpTelemetry.SecondsBuckets });
        _recordLatency = meter.CreateHistogram("streamnlp_record_latency", unit: "s", description: "From an input's Kafka timestamp to its enriched record or dead letter being acknowledged.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StreamNlpTelemetry.SecondsBuckets });
        meter.CreateObservableGauge("streamnlp_consumer_lag", ObserveLag, unit: "{record}", description: "Records not yet committed per assigned input partition (librdkafka statistics).");
        meter.CreateObservableGauge("streamnlp_model_info", ObserveModels, description: "1 per task head being served, labelled with its version and the encoder's.");
    }

    /// <summary>One batch was enriched: its size, the padded tokens it cost the encoder and how long it took.</summary>
    public void BatchEnriched(int records, long paddedTokens, TimeSpan duration)
    {
        _batchSize.Record(records);
        _batchTokens.Record(paddedTokens);
        _inferenceDuration.Record(duration.TotalSeconds);
    }

    /// <summary>A batch's records were acknowledged at <paramref name="publishedAt"/>.</summary>
    public void Delivered(IReadOnlyList<OutgoingRecord> records, DateTimeOffset publishedAt)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            switch (record.Kind)
            {
                case OutgoingKind.Enriched:
                    _records.Add(1, new KeyValuePair<string, object?>("outcome", "enriched"));
                    RecordLatency(record, publishedAt);
                    break;
                case OutgoingKind.DeadLetter:
                    _records.Add(1, new KeyValuePair<string, object?>("outcome", "deadletter"));
                    _deadLetters.Add(1, new KeyValuePair<string, object?>("reason", record.ErrorCode ?? "unknown"));
                    RecordLatency(record, publishedAt);
                    break;
                case OutgoingKind.Review:
                    _records.Add(1, new KeyValuePair<string, object?>("outcome", "review"));
                    break;
            }
        }
    }

    /// <summary>librdkafka statistics of the input consumer: the lag of each partition it fetches replaces the last report.</summary>
    public void ConsumerStatistics(string json) => Volatile.Write(ref _lags, ConsumerLagStatistics.Parse(json));

    /// <summary>Where to read the versions being served (task → version, plus <c>encoder</c>) once the models are loaded.</summary>
    public void ServingModels(Func<IReadOnlyDictionary<string, string>> versions) => Volatile.Write(ref _servingModels, versions);

    private void RecordLatency(OutgoingRecord record, DateTimeOffset publishedAt)
    {
        var timestamp = record.Input.Timestamp;
        if (timestamp.Type != Confluent.Kafka.TimestampType.NotAvailable)
        {
            _recordLatency.Record(Math.Max(0, (publishedAt - timestamp.UtcDateTime).TotalSeconds));
        }
    }

    private IEnumerable<Measurement<long>> ObserveLag() =>
        Volatile.Read(ref _lags).Select(l => new Measurement<long>(l.Lag,
            new KeyValuePair<string, object?>("topic", l.Topic),
            new KeyValuePair<string, object?>("partition", l.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private IEnumerable<Measurement<int>> ObserveModels()
    {
        if (Volatile.Read(ref _servingModels) is not { } read)
        {
            return [];
        }

        var versions = read();
        var encoder = versions.TryGetValue("encoder", out var e) ? e : "";
        return [.. versions.Where(v => v.Key != "encoder").Select(v => new Measurement<int>(1,
            new KeyValuePair<string, object?>("task", v.Key),
            new KeyValuePair<string, object?>("version", v.Value),
            new KeyValuePair<string, object?>("encoder", encoder)))];
    }
}
