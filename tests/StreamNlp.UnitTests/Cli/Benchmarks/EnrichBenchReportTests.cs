using System.Text.Json;
using StreamNlp.Cli.Benchmarks;

namespace StreamNlp.UnitTests.Cli.Benchmarks;

public sealed class EnrichBenchReportTests
{
    private static EnrichBenchReport Report(IReadOnlyList<LatencyLevelResult> latency)
    {
        var padding = new PaddingTally();
        padding.Add([10, 20]);
        return new EnrichBenchReport
        {
            Data = "sample.jsonl",
            Rows = 2,
            Messages = 100,
            BatchSize = 64,
            MaxBatchTokens = 8192,
            MaxTokens = 256,
            MeanTokens = 15,
            Cores = 2,
            Provider = "CPU",
            IntraOpThreads = 0,
            EncoderPrecision = "Int8",
            HeadPrecision = "int8",
            WorkerFetchWaitMaxMs = "500 (librdkafka default)",
            // 100 texts: 1 s tokenizing + 1 s encoder = 50/s; 1 s + 3 s Annotate = 25/s.
            Encoder = new EncoderPassResult(100, 2, 1, 1, 3, new Dictionary<string, double> { ["ner"] = 1.5 }, padding),
            EncoderOnlyPasses = [55, 45],
            EndToEnd = new EndToEndResult(100, 100, 3, 60, 3), // 20/s
            LatencySeconds = 10,
            Latency = latency,
            WorkerPadding = null,
            Stages = null,
            PeakRssBytes = 1 << 20,
        };
    }

    [Fact]
    public void Ratios_AreEndToEndOverEachInProcessRate()
    {
        var report = Report([]);

        Assert.Equal(0.4, report.RatioToEncoderOnly, 6);
        Assert.Equal(0.8, report.RatioToEncoderHeads, 6);
        Assert.Equal(0.6, report.Encoder.HeadsShare, 6);          // 1.5 s of heads ÷ (1 s encoder + 1.5 s heads)
        Assert.Equal(1.5, report.Encoder.HeadsPerEncoder, 6);     // 1.5 s of heads ÷ 1 s encoder
        Assert.Equal(0.5, report.Encoder.AnnotateRestSeconds, 6); // 3 s Annotate − 1 s − 1.5 s
    }

    [Fact]
    public void ToJsonLine_IsOneLineWithTheSameFiguresAndNullForUnmeasured()
    {
        var report = Report([new LatencyLevelResult(0.25, 5, 5, 50, new LatencySummary(0, double.NaN, double.NaN, double.NaN))]);

        var line = report.ToJsonLine();

        Assert.DoesNotContain('\n', line);
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal(50, root.GetProperty("encoderOnly").GetProperty("textsPerSecond").GetDouble(), 6);
        Assert.False(root.GetProperty("encoderOnly").GetProperty("headsIncluded").GetBoolean());
        Assert.Equal(25, root.GetProperty("encoderHeads").GetProperty("textsPerSecond").GetDouble(), 6);
        Assert.Equal(750, root.GetProperty("encoderHeads").GetProperty("headMsPerBatch").GetProperty("ner").GetDouble(), 6);
        Assert.Equal(1.5, root.GetProperty("encoderHeads").GetProperty("headsPerEncoder").GetDouble(), 6);
        Assert.Equal("int8", root.GetProperty("headPrecision").GetString());
        Assert.Equal(20, root.GetProperty("endToEnd").GetProperty("recordsPerSecond").GetDouble(), 6);
        Assert.Equal(0.4, root.GetProperty("ratioToEncoderOnly").GetDouble(), 6);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("latency").GetProperty("levels")[0].GetProperty("p50Ms").ValueKind);
        Assert.Equal(40.0 / 30.0, root.GetProperty("paddingWaste").GetProperty("inProcessBatches").GetDouble(), 4);
    }

    [Fact]
    public void WriteText_PrintsTheSevenFiguresInOrder()
    {
        using var output = new StringWriter();

        Report([]).WriteText(output);

        var numbered = output.ToString().Split('\n').Where(l => l.Length > 1 && char.IsDigit(l[0])).Select(l => l[0]).ToArray();
        Assert.Equal("1234567".ToCharArray(), numbered);
    }

    [Fact]
    public void Combine_TwoPasses_AddsTimesSoTheRateIsOverBoth()
    {
        var padding = new PaddingTally();
        padding.Add([10, 20]);
        var before = new EncoderPassResult(100, 2, 1, 1, 3, new Dictionary<string, double> { ["ner"] = 1.5 }, padding); // 50/s
        var after = new EncoderPassResult(100, 2, 1, 3, 5, new Dictionary<string, double> { ["ner"] = 2.5, ["sentiment"] = 1 }, padding); // 25/s

        var both = EncoderPassResult.Combine(before, after);

        Assert.Equal(200, both.Texts);
        Assert.Equal(200 / 6.0, both.EncoderOnlyPerSecond, 6); // 2 s tokenizing + 4 s encoder
        Assert.Equal(4, both.HeadSeconds["ner"], 6);
        Assert.Equal(1, both.HeadSeconds["sentiment"], 6);
    }

    [Fact]
    public void ToJsonLine_ListsEachInProcessPass()
    {
        using var json = JsonDocument.Parse(Report([]).ToJsonLine());

        var passes = json.RootElement.GetProperty("encoderOnly").GetProperty("passesTextsPerSecond");
        Assert.Equal([55.0, 45.0], passes.EnumerateArray().Select(p => p.GetDouble()).ToArray());
    }
}
