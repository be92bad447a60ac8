using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace StreamNlp.Kafka.Tracing;

/// <summary>
/// W3C trace context (<c>traceparent</c>, <c>tracestate</c>) carried in Kafka record headers, as OpenTelemetry's
/// Kafka instrumentations carry it: an input's headers name the trace it belongs to, and every record the service
/// writes for it names the span that produced it.
/// </summary>
public static class TraceContextHeaders
{
    public const string TraceParent = "traceparent";

    public const string TraceState = "tracestate";

    /// <summary>The remote context named by <paramref name="headers"/>; false when there is none or it is malformed.</summary>
    public static bool TryExtract(Headers? headers, out ActivityContext context)
    {
        context = default;
        if (headers is null || !headers.TryGetLastBytes(TraceParent, out var parent) || parent is null)
        {
            return false;
        }

        string? state = headers.TryGetLastBytes(TraceState, out var stateBytes) && stateBytes is not null ? Encoding.UTF8.GetString(stateBytes) : null;
        return ActivityContext.TryParse(Encoding.UTF8.GetString(parent), state, isRemote: true, out context);
    }

    /// <summary>Sets <c>traceparent</c> (and <c>tracestate</c> when the context has one), replacing earlier values.</summary>
    public static void Set(Headers headers, ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(headers);
        headers.Remove(TraceParent);
        headers.Add(TraceParent, Encoding.ASCII.GetBytes(Format(context)));
        if (!string.IsNullOrEmpty(context.TraceState))
        {
            headers.Remove(TraceState);
            headers.Add(TraceState, Encoding.UTF8.GetBytes(context.TraceState));
        }
    }

    /// <summary>The <c>traceparent</c> value of a context: <c>00-{trace id}-{span id}-{flags}</c>.</summary>
    public static string Format(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";
}
