using System.ComponentModel.DataAnnotations;

namespace StreamNlp.Worker.Configuration;

/// <summary>Input validation settings, section <c>StreamNlp:Input</c>.</summary>
public sealed class InputOptions
{
    public const string Section = "StreamNlp:Input";

    /// <summary>Largest accepted value in bytes; larger ones are dead-lettered as <c>oversize</c>. Default 100,000.</summary>
    [Range(1, 100_000_000, ErrorMessage = "StreamNlp:Input:MaxMessageBytes must be between {1} and {2}.")]
    public int MaxMessageBytes { get; set; } = 100_000;
}
