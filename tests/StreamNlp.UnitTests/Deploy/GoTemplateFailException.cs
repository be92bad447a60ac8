namespace StreamNlp.UnitTests.Deploy;

/// <summary>A template called Helm's <c>fail</c>: rendering stops with this message, as <c>helm template</c> does.</summary>
internal sealed class GoTemplateFailException(string message) : Exception(message);
