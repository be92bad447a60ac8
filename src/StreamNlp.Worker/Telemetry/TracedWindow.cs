using StreamNlp.Worker.Inference;

namespace StreamNlp.Worker.Telemetry;

/// <summary>A window handed from the inference stage to the delivery stage, with the spans of its batch (<see cref="BatchTrace"/>).</summary>
public sealed record TracedWindow(AnnotatedWindow Window, BatchTrace Trace);
