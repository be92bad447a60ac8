using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.IntegrationTests.Worker;
using StreamNlp.Kafka.DeadLetters;
using StreamNlp.Telemetry;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Telemetry;

/// <summary>
/// W3C trace context through the worker: an input's <c>traceparent</c> continues into the record's span, and the
/// enriched record and the dead letter carry a <c>traceparent</c> of the same trace (naming the record's span).
/// </summary>
[Collection("kafka")]
public sealed class TraceContextTests(KafkaBrokerFixture broker, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Traceparent_OnInput_ContinuesIntoRecordSpansAndIsWrittenOnEnrichedRecordAndDeadLetter()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StreamNlpTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var topics = TestTopics.Fresh();
        await using var host = await WorkerTestHost.StartAsync(broker, topics);
        var traced = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var tracedBad = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await producer.ProduceAsync(topics.Input, Message("traced", "Angela Merkel met Emmanuel Macron in Berlin.", traced));
            await producer.ProduceAsync(topics.Input, Message("traced-bad", "   ", tracedBad)); // empty-text: a dead letter
            await producer.ProduceAsync(topics.Input, Message("untraced", "The new phone has a great camera.", null));
        }

        var enriched = TopicClient.Read(broker.BootstrapServers, topics.Output, 2, Timeout);
        var letters = TopicClient.Read(broker.BootstrapServers, topics.DeadLetter, 1, Timeout);

        var record = Assert.Single(enriched, r => r.Message.Key == "traced");
        var recordParent = Parent(record);
        output.WriteLine($"input {Format(traced)} -> enriched record {TopicClient.Header(record, "traceparent")}");
        Assert.Equal(traced.TraceId, recordParent.TraceId);
        Assert.NotEqual(traced.SpanId, recordParent.SpanId); // it names the worker's span, a child of the input's

        var letter = Assert.Single(letters);
        Assert.Equal("empty-text", TopicClient.Header(letter, DeadLetterHeaders.Error));
        var letterParent = Parent(letter);
        output.WriteLine($"input {Format(tracedBad)} -> dead letter {TopicClient.Header(letter, "traceparent")}");
        Assert.Equal(tracedBad.TraceId, letterParent.TraceId);
        Assert.NotEqual(tracedBad.SpanId, letterParent.SpanId);
        Assert.Single(letter.Message.Headers, h => h.Key == "traceparent"); // the input's was replaced, not repeated

        var untraced = Parent(Assert.Single(enriched, r => r.Message.Key == "untraced"));
        Assert.NotEqual(traced.TraceId, untraced.TraceId);
        Assert.NotEqual(tracedBad.TraceId, untraced.TraceId);

        // The spans behind those headers: a record span per input, child of the input's span, and a batch span linked to it.
        await WaitUntilAsync(() => spans.Any(s => s.SpanId == recordParent.SpanId) && spans.Any(s => s.SpanId == letterParent.SpanId));
        var recordSpan = Assert.Single(spans, s => s.SpanId == recordParent.SpanId);
        Assert.Equal(traced.TraceId, recordSpan.TraceId);
        Assert.Equal(traced.SpanId, recordSpan.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, recordSpan.Kind);
        Assert.Equal("enriched", recordSpan.GetTagItem("streamnlp.outcome"));
        var letterSpan = Assert.Single(spans, s => s.SpanId == letterParent.SpanId);
        Assert.Equal(ActivityStatusCode.Error, letterSpan.Status);
        Assert.Equal("empty-text", letterSpan.GetTagItem("streamnlp.error"));
        Assert.Contains(spans, s => s.OperationName == "enrich batch" && s.Links.Any(l => l.Context.TraceId == traced.TraceId));
        var untracedSpan = Assert.Single(spans, s => s.SpanId == untraced.SpanId);
        Assert.Contains(spans, s => s.OperationName == "enrich batch" && s.SpanId == untracedSpan.ParentSpanId); // under its batch
    }

    private static Message<string, byte[]> Message(string key, string text, ActivityContext? trace)
    {
        var message = new Message<string, byte[]> { Key = key, Value = Encoding.UTF8.GetBytes(text), Headers = [] };
        if (trace is { } context)
        {
            message.Headers.Add("traceparent", Encoding.ASCII.GetBytes(Format(context)));
        }

        return message;
    }

    private static string Format(ActivityContext context) => $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-01";

    private static ActivityContext Parent(ConsumeResult<string?, byte[]?> result)
    {
        var header = TopicClient.Header(result, "traceparent");
        Assert.True(ActivityContext.TryParse(header, null, out var context), $"no valid traceparent on {result.Message.Key}: '{header}'");
        return context;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }
}
