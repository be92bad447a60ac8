namespace StreamNlp.Models.Registry;

/// <summary>A model on disk does not match its manifest (missing file, wrong hash, other encoder): it is refused.</summary>
public sealed class ModelIntegrityException(string message) : Exception(message);
