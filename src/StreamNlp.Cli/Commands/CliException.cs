namespace StreamNlp.Cli.Commands;

/// <summary>A user-facing error: printed as one line on stderr, exit code 2, no stack trace.</summary>
internal sealed class CliException(string message) : Exception(message);
