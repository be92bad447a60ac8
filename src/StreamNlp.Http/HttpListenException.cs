namespace StreamNlp.Http;

/// <summary>The HTTP endpoint could not listen where its settings say (a port in use, an address not on this machine): a start-up error naming the setting.</summary>
public sealed class HttpListenException(string message, Exception innerException) : InvalidOperationException(message, innerException);
