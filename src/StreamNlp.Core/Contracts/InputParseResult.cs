using System.Text.Json;

namespace StreamNlp.Core.Contracts;

/// <summary>
/// The outcome of parsing one input value: a text to enrich (with the producer's id and any extra
/// JSON fields), or the reason it cannot be enriched (<see cref="ErrorCode"/> is one of
/// <see cref="InputErrors"/>).
/// </summary>
public sealed record InputParseResult
{
    public string? Text { get; init; }

    public string? Id { get; init; }

    /// <summary>Fields of a JSON input other than <c>id</c> and <c>text</c>, passed through to the enriched record.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorDetail { get; init; }

    public bool IsValid => ErrorCode is null;

    public static InputParseResult Valid(string text, string? id, IReadOnlyDictionary<string, JsonElement>? metadata) =>
        new() { Text = text, Id = id, Metadata = metadata };

    public static InputParseResult Invalid(string code, string detail) => new() { ErrorCode = code, ErrorDetail = detail };
}
