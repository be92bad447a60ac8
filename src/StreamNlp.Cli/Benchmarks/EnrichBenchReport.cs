using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// Everything one <c>bench enrich</c> run measured, printed either as numbered lines in the issue's order
/// or as one JSON line with the same figures (for scripts and for comparing runs). The ratio of end to end to
/// the in-process encoder is the figure to compare across machines and runs: both halves move together when
/// a noisy machine slows down.
/// </summary>
internal sealed record EnrichBenchReport
{
    public required string Data { get; init; }

    public required int Rows { get; init; }

    public required int Messages { get; init; }

    public required int BatchSize { get; init; }

    /// <summary>The worker's padded-token budget per batch (<c>StreamNlp:Batching:MaxBatchTokens</c>), which the in-process pass applies too.</summary>
    public required int MaxBatchTokens { get; init; }

    public required int MaxTokens { get; init; }

    public required double MeanTokens { get; init; }

    public required int Cores { get; init; }

    public required string Provider { get; init; }

    /// <summary>Encoder weights served ("Int8" or "Fp32").</summary>
    public string EncoderPrecision { get; init; } = "Fp32";

    /// <summary>Whether the heads run int8 (quantized at load, with the int8 encoder) or as trained ("fp32").</summary>
    public string HeadPrecision { get; init; } = "fp32";

    /// <summary>ONNX Runtime intra-op threads as configured (0: one per core).</summary>
    public required int IntraOpThreads { get; init; }

    /// <summary>The worker consumer's <c>fetch.wait.max.ms</c>, which dominates latency on the embedded broker.</summary>
    public required string WorkerFetchWaitMaxMs { get; init; }

    /// <summary>The in-process passes before and after the end-to-end run, taken together.</summary>
    public required EncoderPassResult Encoder { get; init; }

    /// <summary>Encoder-only texts/s of each in-process pass (before, after the end-to-end run): their spread shows the machine's drift.</summary>
    public required IReadOnlyList<double> EncoderOnlyPasses { get; init; }

    public required EndToEndResult EndToEnd { get; init; }

    public required double LatencySeconds { get; init; }

    public required IReadOnlyList<LatencyLevelResult> Latency { get; init; }

    /// <summary>Padding of the batches the worker formed (from the backlog's output); null if none were seen.</summary>
    public required PaddingTally? WorkerPadding { get; init; }

    public required WorkerStageTimes? Stages { get; init; }

    public required long PeakRssBytes { get; init; }

    public double RatioToEncoderOnly => EndToEnd.RecordsPerSecond / Encoder.EncoderOnlyPerSecond;

    public double RatioToEncoderHeads => EndToEnd.RecordsPerSecond / Encoder.EncoderHeadsPerSecond;

    private string Heads => string.Join(", ", Encoder.HeadSeconds.Keys);

    public void WriteText(TextWriter output)
    {
        var e = Encoder;
        var batches = Math.Max(1, e.Batches);
        output.WriteLine($"data: {Data} ({Rows} texts, mean {MeanTokens:0} tokens); {Messages} messages; batch size {BatchSize} (at most {MaxBatchTokens} padded tokens); " +
            $"max tokens {MaxTokens}; {Cores} cores; provider {Provider}; intra-op threads {(IntraOpThreads == 0 ? "auto" : IntraOpThreads)}; encoder {EncoderPrecision}, heads {HeadPrecision}");
        output.WriteLine($"1. encoder only, in process (same texts, {e.Batches} encoder runs cut as the worker cuts them: windows grouped by length, or the batch policy alone, no heads): {e.EncoderOnlyPerSecond:0.0} texts/s " +
            $"(two passes, before and after the end-to-end run: {string.Join(" and ", EncoderOnlyPasses.Select(p => p.ToString("0.0", CultureInfo.InvariantCulture)))})");
        output.WriteLine($"   encoder + heads, in process (ModelBundle.Annotate: {Heads} + decoding, as the worker runs it): {e.EncoderHeadsPerSecond:0.0} texts/s; " +
            $"heads' share of encoder + heads time {e.HeadsShare * 100:0.0}%, heads ÷ encoder {e.HeadsPerEncoder * 100:0.0}% ({string.Join(", ", e.HeadSeconds.Select(h => $"{h.Key} {h.Value * 1000 / batches:0.0} ms"))} " +
            $"per batch on the bare encoder's output, encoder {e.EncoderSeconds * 1000 / batches:0.0} ms; Annotate's decoding and the rest {e.AnnotateRestSeconds * 1000 / batches:0} ms per batch)");
        output.WriteLine($"2. end to end (embedded broker + worker, backlog of {EndToEnd.Expected}): {EndToEnd.RecordsPerSecond:0.0} records/s " +
            $"({EndToEnd.MeasuredRecords} records in {EndToEnd.Batches - 1} batches over {EndToEnd.Seconds:0.00} s, by processedAt; first batch excluded; " +
            $"{EndToEnd.Received}/{EndToEnd.Expected} received)");
        output.WriteLine($"3. ratio end to end ÷ encoder only: {RatioToEncoderOnly:0.00}; ÷ encoder + heads: {RatioToEncoderHeads:0.00}");
        output.WriteLine($"4. latency (record latencyMs; paced producer, {LatencySeconds:0.#} s per level; worker fetch.wait.max.ms {WorkerFetchWaitMaxMs}):");
        if (Latency.Count == 0)
        {
            output.WriteLine("   not measured (no end-to-end peak)");
        }

        foreach (var level in Latency)
        {
            output.WriteLine($"   {level.LoadFraction * 100:0}% of peak: offered {level.OfferedPerSecond:0.0}/s (achieved {level.AchievedPerSecond:0.0}/s), " +
                $"{level.Latency.Count}/{level.Sent} records: p50 {level.Latency.P50:0} ms, p95 {level.Latency.P95:0} ms, p99 {level.Latency.P99:0} ms");
        }

        var worker = WorkerPadding is { } w
            ? $"worker's batches {w.Waste:0.00} ({w.Batches} batches, {w.PaddedTokens} padded / {w.RealTokens} real tokens, from the backlog's output); "
            : "worker's batches not observed; ";
        output.WriteLine($"5. padding waste (padded ÷ real tokens): {worker}in-process runs {e.Padding.Waste:0.00}");
        var stages = Stages is { } s
            ? $"worker per window (two overlapped stages): inference {s.InferenceMsPerWindow:0} ms (busy {s.InferenceBusyShare * 100:0}% of the backlog's time), " +
              $"delivery {s.DeliverMsPerWindow:0} ms (write JSON, produce, acks, commit; busy {s.DeliverBusyShare * 100:0}%) ({s.Windows} windows, from the worker's log)"
            : "worker's batch log not observed";
        output.WriteLine($"6. stages: tokenize {e.TokenizeSeconds * 1000 / Math.Max(1, e.Texts):0.00} ms/text (in process); " +
            $"encoder {e.EncoderSeconds * 1000 / batches:0} ms/batch, Annotate {e.AnnotateSeconds * 1000 / batches:0} ms/batch (in process); {stages}");
        output.WriteLine($"7. peak RSS: {PeakRssBytes / (1024.0 * 1024.0):0} MiB (whole process: embedded broker, worker, one shared model bundle, bench clients)");
    }

    public string ToJsonLine()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            var e = Encoder;
            var batches = Math.Max(1, e.Batches);
            json.WriteStartObject();
            json.WriteString("data", Data);
            json.WriteNumber("rows", Rows);
            json.WriteNumber("messages", Messages);
            json.WriteNumber("batchSize", BatchSize);
            json.WriteNumber("maxBatchTokens", MaxBatchTokens);
            json.WriteNumber("maxTokens", MaxTokens);
            Number(json, "meanTokens", MeanTokens);
            json.WriteNumber("cores", Cores);
            json.WriteString("provider", Provider);
            json.WriteNumber("intraOpThreads", IntraOpThreads);
            json.WriteString("encoderPrecision", EncoderPrecision);
            json.WriteString("headPrecision", HeadPrecision);

            json.WriteStartObject("encoderOnly");
            Number(json, "textsPerSecond", e.EncoderOnlyPerSecond);
            json.WriteStartArray("passesTextsPerSecond");
            foreach (var pass in EncoderOnlyPasses)
            {
                json.WriteNumberValue(Math.Round(pass, 3));
            }

            json.WriteEndArray();
            json.WriteBoolean("headsIncluded", false);
            json.WriteEndObject();
            json.WriteStartObject("encoderHeads");
            Number(json, "textsPerSecond", e.EncoderHeadsPerSecond);
            json.WriteBoolean("headsIncluded", true);
            json.WriteStartArray("heads");
            foreach (var head in e.HeadSeconds.Keys)
            {
                json.WriteStringValue(head);
            }

            json.WriteEndArray();
            Number(json, "headsShare", e.HeadsShare);
            Number(json, "headsPerEncoder", e.HeadsPerEncoder);
            json.WriteStartObject("headMsPerBatch");
            foreach (var (head, seconds) in e.HeadSeconds)
            {
                Number(json, head, seconds * 1000 / batches);
            }

            json.WriteEndObject();
            Number(json, "annotateRestMsPerBatch", e.AnnotateRestSeconds * 1000 / batches);
            json.WriteEndObject();

            json.WriteStartObject("endToEnd");
            Number(json, "recordsPerSecond", EndToEnd.RecordsPerSecond);
            json.WriteNumber("expected", EndToEnd.Expected);
            json.WriteNumber("received", EndToEnd.Received);
            json.WriteNumber("batches", EndToEnd.Batches);
            json.WriteNumber("measuredRecords", EndToEnd.MeasuredRecords);
            Number(json, "seconds", EndToEnd.Seconds);
            json.WriteEndObject();
            Number(json, "ratioToEncoderOnly", RatioToEncoderOnly);
            Number(json, "ratioToEncoderHeads", RatioToEncoderHeads);

            json.WriteStartObject("latency");
            Number(json, "secondsPerLevel", LatencySeconds);
            json.WriteString("workerFetchWaitMaxMs", WorkerFetchWaitMaxMs);
            json.WriteStartArray("levels");
            foreach (var level in Latency)
            {
                json.WriteStartObject();
                Number(json, "load", level.LoadFraction);
                Number(json, "offeredPerSecond", level.OfferedPerSecond);
                Number(json, "achievedPerSecond", level.AchievedPerSecond);
                json.WriteNumber("sent", level.Sent);
                json.WriteNumber("received", level.Latency.Count);
                Number(json, "p50Ms", level.Latency.P50);
                Number(json, "p95Ms", level.Latency.P95);
                Number(json, "p99Ms", level.Latency.P99);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteStartObject("paddingWaste");
            if (WorkerPadding is { } w)
            {
                Number(json, "workerBatches", w.Waste);
                json.WriteNumber("workerBatchCount", w.Batches);
                json.WriteNumber("workerPaddedTokens", w.PaddedTokens);
                json.WriteNumber("workerRealTokens", w.RealTokens);
            }

            Number(json, "inProcessBatches", e.Padding.Waste);
            json.WriteEndObject();

            json.WriteStartObject("stages");
            Number(json, "tokenizeMsPerText", e.TokenizeSeconds * 1000 / Math.Max(1, e.Texts));
            Number(json, "encoderMsPerBatch", e.EncoderSeconds * 1000 / batches);
            Number(json, "annotateMsPerBatch", e.AnnotateSeconds * 1000 / batches);
            if (Stages is { } s)
            {
                Number(json, "workerInferenceMsPerWindow", s.InferenceMsPerWindow);
                Number(json, "workerDeliverMsPerWindow", s.DeliverMsPerWindow);
                Number(json, "workerInferenceBusyShare", s.InferenceBusyShare);
                Number(json, "workerDeliverBusyShare", s.DeliverBusyShare);
                json.WriteNumber("workerWindows", s.Windows);
            }

            json.WriteEndObject();
            json.WriteNumber("peakRssBytes", PeakRssBytes);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>JSON has no NaN: a figure that could not be measured is written as null.</summary>
    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, Math.Round(value, 4));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
