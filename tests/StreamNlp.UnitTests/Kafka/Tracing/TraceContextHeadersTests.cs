using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using StreamNlp.Kafka.Tracing;

namespace StreamNlp.UnitTests.Kafka.Tracing;

public sealed class TraceContextHeadersTests
{
    private const string Parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void TryExtract_ValidTraceparent_GivesTheRemoteContext()
    {
        var headers = new Headers { { "traceparent", Encoding.ASCII.GetBytes(Parent) }, { "tracestate", Encoding.ASCII.GetBytes("vendor=x") } };

        Assert.True(TraceContextHeaders.TryExtract(headers, out var context));

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", context.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", context.SpanId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
        Assert.Equal("vendor=x", context.TraceState);
        Assert.True(context.IsRemote);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")] // all-zero trace id is invalid
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")] // all-zero span id is invalid
    public void TryExtract_MalformedTraceparent_IsFalse(string value)
    {
        var headers = new Headers { { "traceparent", Encoding.ASCII.GetBytes(value) } };

        Assert.False(TraceContextHeaders.TryExtract(headers, out _));
    }

    [Fact]
    public void TryExtract_NoHeaders_IsFalse()
    {
        Assert.False(TraceContextHeaders.TryExtract(null, out _));
        Assert.False(TraceContextHeaders.TryExtract([], out _));
    }

    [Fact]
    public void Set_ExistingTraceparent_IsReplacedByOneNamingTheNewSpan()
    {
        var headers = new Headers { { "traceparent", Encoding.ASCII.GetBytes(Parent) }, { "other", [1] } };
        var context = new ActivityContext(ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c"), ActivitySpanId.CreateFromString("00f067aa0ba902b7"), ActivityTraceFlags.Recorded);

        TraceContextHeaders.Set(headers, context);

        var values = headers.Where(h => h.Key == "traceparent").Select(h => Encoding.ASCII.GetString(h.GetValueBytes())).ToList();
        Assert.Equal(["00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"], values);
        Assert.Contains(headers, h => h.Key == "other");
    }

    [Fact]
    public void Format_UnsampledContext_HasFlags00()
    {
        var context = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);

        Assert.EndsWith("-00", TraceContextHeaders.Format(context), StringComparison.Ordinal);
    }
}
