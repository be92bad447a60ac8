using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using CsCheck;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.Tests.Shared;
using Xunit.Abstractions;

namespace StreamNlp.UnitTests.Core.Contracts.Feedback;

/// <summary>
/// Issue 12: no feedback value makes <see cref="FeedbackParser"/> throw. Every value is either a usable example
/// (which survives being written by <see cref="FeedbackJson"/> and parsed again) or carries a feedback error code
/// with a detail. Random seeds; a failure prints the seed (set <c>CsCheck_Seed</c> to replay it).
/// </summary>
public sealed class FeedbackParserPropertyTests(ITestOutputHelper output)
{
    private const long Iterations = 3000;

    private const int DefaultLimit = 4096;

    private static readonly HashSet<string> FeedbackErrorCodes = typeof(FeedbackErrors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    private static readonly Gen<int> Limit = Gen.Frequency((8, Gen.Const(DefaultLimit)), (1, Gen.Int[0, 64]));

    [Fact]
    public void Parse_RandomBytes_IsAUsableExampleOrAFeedbackError()
    {
        var outcomes = Sample(RecordGenerators.RandomBytes);

        Assert.Contains(FeedbackErrors.InvalidUtf8, outcomes.Keys);
        Assert.Contains(FeedbackErrors.InvalidJson, outcomes.Keys);
        Assert.Contains(FeedbackErrors.Oversize, outcomes.Keys);
    }

    [Fact]
    public void Parse_RandomUnicode_IsAUsableExampleOrAFeedbackError()
    {
        var outcomes = Sample(RecordGenerators.UnicodeBytes);

        Assert.Contains(FeedbackErrors.InvalidJson, outcomes.Keys);
        Assert.Contains(FeedbackErrors.InvalidUtf8, outcomes.Keys);
        Assert.Contains(FeedbackErrors.EmptyValue, outcomes.Keys);
    }

    [Fact]
    public void Parse_RandomFeedbackJson_IsAUsableExampleOrAFeedbackError()
    {
        var outcomes = Sample(RecordGenerators.FeedbackShaped.Select(RecordGenerators.Wtf8));

        // The generator reaches valid examples of every task and the ways a feedback object can fail.
        Assert.Contains("valid-ner", outcomes.Keys);
        Assert.Contains("valid-ner-with-entities", outcomes.Keys);
        Assert.Contains("valid-classification", outcomes.Keys);
        Assert.Contains("valid-sentiment", outcomes.Keys);
        string[] reached =
        [
            FeedbackErrors.InvalidJson, FeedbackErrors.NotAnObject, FeedbackErrors.InvalidUnicode, FeedbackErrors.UnknownTask,
            FeedbackErrors.MissingText, FeedbackErrors.EmptyText, FeedbackErrors.MissingLabel, FeedbackErrors.MissingEntities,
            FeedbackErrors.InvalidEntity, FeedbackErrors.SpanOutOfRange, FeedbackErrors.SpansOverlap, FeedbackErrors.InvalidId,
            FeedbackErrors.InvalidSource,
        ];
        Assert.All(reached, code => Assert.Contains(code, outcomes.Keys));
    }

    /// <summary>Found by the properties above: the duplicate-field check threw InvalidOperationException out of Parse.</summary>
    [Theory]
    [InlineData("{\"\\ud800\": 1, \"task\": \"ner\"}")]
    [InlineData("{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [], \"m\": {\"a\": 1, \"\\udc00\\ud800\": 2}}")]
    [InlineData("[{\"\\ude00\": null}]")]
    public void Parse_LoneSurrogateFieldName_IsInvalidUnicode(string value)
    {
        var result = FeedbackParser.Parse(System.Text.Encoding.UTF8.GetBytes(value), DefaultLimit);

        Assert.Equal(FeedbackErrors.InvalidUnicode, result.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(result.ErrorDetail));
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

    /// <summary>Parses one value, checks the result and says what it was (a code, or valid and its task).</summary>
    private static string AssertParsed(byte[] value, int limit)
    {
        var result = FeedbackParser.Parse(value, limit);
        if (value.Length > limit)
        {
            Assert.Equal(FeedbackErrors.Oversize, result.ErrorCode);
        }
        else if (value.Length == 0)
        {
            Assert.Equal(FeedbackErrors.EmptyValue, result.ErrorCode);
        }

        if (!result.IsValid)
        {
            Assert.Contains(result.ErrorCode!, FeedbackErrorCodes);
            Assert.False(string.IsNullOrWhiteSpace(result.ErrorDetail), $"no detail for {result.ErrorCode}");
            Assert.Null(result.Example);
            return result.ErrorCode!;
        }

        var example = Assert.IsType<FeedbackExample>(result.Example);
        Assert.Null(result.ErrorDetail);
        Assert.Contains(example.Text, c => !char.IsWhiteSpace(c) && char.GetUnicodeCategory(c) is not (UnicodeCategory.Control or UnicodeCategory.Format));
        Assert.True(example.Source is null || (example.Source.Length > 0 && example.Source == example.Source.Trim()), $"source \"{example.Source}\"");
        if (example.Task == NlpTask.Ner)
        {
            Assert.Null(example.Label);
            var entities = Assert.IsAssignableFrom<IReadOnlyList<FeedbackEntity>>(example.Entities);
            for (var i = 0; i < entities.Count; i++)
            {
                var entity = entities[i];
                Assert.InRange(entity.Start, 0, entity.End - 1);
                Assert.InRange(entity.End, entity.Start + 1, example.Text.Length);
                Assert.False(string.IsNullOrWhiteSpace(entity.Label));
                Assert.Equal(entity.Label.Trim(), entity.Label);
                Assert.False(entity.Label.StartsWith("B-", StringComparison.OrdinalIgnoreCase) || entity.Label.StartsWith("I-", StringComparison.OrdinalIgnoreCase));
                if (i > 0)
                {
                    Assert.True(entities[i - 1].End <= entity.Start, $"entities {entities[i - 1]} and {entity} overlap or are unsorted");
                }
            }
        }
        else
        {
            Assert.Null(example.Entities);
            Assert.False(string.IsNullOrWhiteSpace(example.Label));
            Assert.Equal(example.Label.Trim(), example.Label);
        }

        // The example survives the trip through the feedback topic: written, read by a default reader, parsed again.
        var written = FeedbackJson.Serialize(example);
        using (JsonDocument.Parse(written))
        {
        }

        var again = FeedbackParser.Parse(written, int.MaxValue);
        Assert.True(again.IsValid, $"{again.ErrorCode}: {again.ErrorDetail}");
        Assert.Equal(example, again.Example);

        return example.Task == NlpTask.Ner
            ? example.Entities!.Count > 0 ? "valid-ner-with-entities" : "valid-ner"
            : $"valid-{example.Task.ToName()}";
    }
}
