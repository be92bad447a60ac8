using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using CsCheck;
using StreamNlp.Core.Contracts;
using StreamNlp.Tests.Shared;
using Xunit.Abstractions;

namespace StreamNlp.UnitTests.Core.Contracts;

/// <summary>
/// Issue 12: no input value makes <see cref="InputParser"/> throw. Every value is either a text that can be
/// written into an enriched record (and read back by a default JSON reader) or carries an input error code
/// with a detail. Random seeds; a failure prints the seed (set <c>CsCheck_Seed</c> to replay it).
/// </summary>
public sealed class InputParserPropertyTests(ITestOutputHelper output)
{
    private const long Iterations = 3000;

    private const int DefaultLimit = 100_000;

    private static readonly HashSet<string> InputErrorCodes = typeof(InputErrors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Codes of the stages after parsing; the parser itself never gives them.</summary>
    private static readonly string[] LaterStageCodes =
        [InputErrors.TokenizationFailed, InputErrors.InferenceFailed, InputErrors.PublishFailed, InputErrors.OutputFailed, InputErrors.ProcessingFailed];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The configured limit, mostly the default, sometimes tiny so that values are oversize.</summary>
    private static readonly Gen<int> Limit = Gen.Frequency((8, Gen.Const(DefaultLimit)), (1, Gen.Int[0, 64]));

    [Fact]
    public void Parse_RandomBytes_IsEnrichableTextOrAnInputError()
    {
        var outcomes = Sample(RecordGenerators.RandomBytes);

        Assert.Contains(InputErrors.InvalidUtf8, outcomes.Keys);
        Assert.Contains(InputErrors.Oversize, outcomes.Keys);
        Assert.Contains("valid", outcomes.Keys);
    }

    [Fact]
    public void Parse_RandomUnicode_IsEnrichableTextOrAnInputError()
    {
        var outcomes = Sample(RecordGenerators.UnicodeBytes);

        Assert.Contains("valid", outcomes.Keys);
        Assert.Contains(InputErrors.EmptyText, outcomes.Keys);
        Assert.Contains(InputErrors.EmptyValue, outcomes.Keys);
        Assert.Contains(InputErrors.InvalidUtf8, outcomes.Keys); // a lone surrogate written as WTF-8
    }

    [Fact]
    public void Parse_RandomJson_IsEnrichableTextOrAnInputError()
    {
        var outcomes = Sample(RecordGenerators.JsonShaped.Select(RecordGenerators.Wtf8));

        // The generator reaches every way a JSON value can fail, and valid records with metadata.
        Assert.Contains("valid", outcomes.Keys);
        Assert.Contains("valid-with-metadata", outcomes.Keys);
        Assert.Contains(InputErrors.InvalidJson, outcomes.Keys);
        Assert.Contains(InputErrors.InvalidUnicode, outcomes.Keys);
        Assert.Contains(InputErrors.MissingText, outcomes.Keys);
        Assert.Contains(InputErrors.TextNotString, outcomes.Keys);
        Assert.Contains(InputErrors.EmptyText, outcomes.Keys);
        Assert.Contains(InputErrors.InvalidId, outcomes.Keys);
    }

    [Fact]
    public void Parse_JsonNestedAroundTheLimit_ValidExactlyUpToMaxDepth()
    {
        // Metadata nested d levels below the record's root: the record is d + 1 deep.
        Gen.Select(Gen.Int[0, 80], Gen.Bool.Array[80]).Sample(
            (depth, useArray) =>
            {
                var json = "{\"text\":\"Paris is nice.\",\"m\":" + RecordGenerators.Wrap(depth, useArray, "1") + "}";
                var result = InputParser.Parse(Encoding.UTF8.GetBytes(json), DefaultLimit);
                if (depth + 1 <= InputParser.MaxDepth)
                {
                    Assert.True(result.IsValid, $"{depth + 1} levels: {result.ErrorCode} {result.ErrorDetail}");
                    AssertEnrichable(result);
                }
                else
                {
                    Assert.Equal(InputErrors.InvalidJson, result.ErrorCode);
                }
            },
            iter: 300,
            writeLine: output.WriteLine);
    }

    private ConcurrentDictionary<string, int> Sample(Gen<byte[]> values)
    {
        var outcomes = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        Gen.Select(values, Limit).Sample(
            (value, limit) =>
            {
                var outcome = AssertParsed(value, limit);
                outcomes.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
            },
            iter: Iterations,
            print: t => $"limit {t.Item2}, value {RecordGenerators.Describe(t.Item1)}",
            writeLine: output.WriteLine);
        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}: {o.Value}")));
        return outcomes;
    }

    /// <summary>Parses one value, checks the result and says what it was (a code, or valid).</summary>
    private static string AssertParsed(byte[] value, int limit)
    {
        var result = InputParser.Parse(value, limit);

        // What the bytes alone decide comes first.
        var strict = TryDecodeStrict(value);
        if (value.Length > limit)
        {
            Assert.Equal(InputErrors.Oversize, result.ErrorCode);
        }
        else if (value.Length == 0)
        {
            Assert.Equal(InputErrors.EmptyValue, result.ErrorCode);
        }
        else if (strict is null)
        {
            Assert.Equal(InputErrors.InvalidUtf8, result.ErrorCode);
        }

        if (!result.IsValid)
        {
            Assert.Contains(result.ErrorCode!, InputErrorCodes);
            Assert.DoesNotContain(result.ErrorCode!, LaterStageCodes);
            Assert.False(string.IsNullOrWhiteSpace(result.ErrorDetail), $"no detail for {result.ErrorCode}");
            Assert.Null(result.Text);
            return result.ErrorCode!;
        }

        Assert.NotNull(strict);
        AssertEnrichable(result);
        if (strict.TrimStart('\uFEFF').TrimStart()[0] != '{')
        {
            // Anything that is not a JSON object is enriched as it is (less a byte-order mark).
            Assert.Equal(strict.StartsWith('\uFEFF') ? strict[1..] : strict, result.Text);
            Assert.Null(result.Id);
            Assert.Null(result.Metadata);
        }

        return result.Metadata is { Count: > 0 } ? "valid-with-metadata" : "valid";
    }

    /// <summary>A valid result has visible text, and it, the id and the metadata make an enriched record a default reader reads back.</summary>
    private static void AssertEnrichable(InputParseResult result)
    {
        Assert.Null(result.ErrorDetail);
        Assert.NotNull(result.Text);
        Assert.Contains(result.Text, c => !char.IsWhiteSpace(c) && char.GetUnicodeCategory(c) is not (UnicodeCategory.Control or UnicodeCategory.Format));

        var record = new EnrichedRecord
        {
            Id = result.Id ?? "input/0/0",
            Text = result.Text,
            Entities = [],
            Models = new Dictionary<string, string> { ["encoder"] = "v1" },
            Source = new SourceCoordinates("input", 0, 0),
            Metadata = result.Metadata,
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(record, ContractsJsonContext.Readable.EnrichedRecord);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(result.Text, root.GetProperty("text").GetString());
        Assert.Equal(record.Id, root.GetProperty("id").GetString());
        if (result.Metadata is null)
        {
            Assert.False(root.TryGetProperty("metadata", out _));
            return;
        }

        var metadata = root.GetProperty("metadata");
        Assert.Equal(result.Metadata.Count, metadata.EnumerateObject().Count());
        foreach (var (name, value) in result.Metadata)
        {
            Assert.True(JsonElement.DeepEquals(value, metadata.GetProperty(name)), $"metadata field {name} changed");
        }
    }

    private static string? TryDecodeStrict(byte[] value)
    {
        try
        {
            return StrictUtf8.GetString(value);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
