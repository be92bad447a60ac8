using System.Text;
using StreamNlp.Core.Contracts;

namespace StreamNlp.UnitTests.Core.Contracts;

public sealed class InputParserTests
{
    private const int Limit = 1000;

    [Fact]
    public void Parse_PlainText_IsTheText()
    {
        var result = InputParser.Parse("Barack Obama visited Paris."u8, Limit);

        Assert.True(result.IsValid);
        Assert.Equal("Barack Obama visited Paris.", result.Text);
        Assert.Null(result.Id);
    }

    [Fact]
    public void Parse_JsonWithIdAndExtras_KeepsIdAndMetadata()
    {
        var result = InputParser.Parse("""{"id": "a-1", "text": "Hello", "tenant": "acme", "n": 3}"""u8, Limit);

        Assert.True(result.IsValid);
        Assert.Equal("Hello", result.Text);
        Assert.Equal("a-1", result.Id);
        Assert.Equal("acme", result.Metadata!["tenant"].GetString());
        Assert.Equal(3, result.Metadata["n"].GetInt32());
        Assert.False(result.Metadata.ContainsKey("text"));
    }

    [Fact]
    public void Parse_NumericId_BecomesString()
    {
        var result = InputParser.Parse("""{"id": 17, "text": "x"}"""u8, Limit);

        Assert.Equal("17", result.Id);
    }

    [Theory]
    [InlineData("{\"text\": \"unterminated", InputErrors.InvalidJson)]
    [InlineData("{\"body\": \"no text field\"}", InputErrors.MissingText)]
    [InlineData("{\"text\": 42}", InputErrors.TextNotString)]
    [InlineData("{\"text\": null}", InputErrors.TextNotString)]
    [InlineData("{\"text\": \"  \\t \"}", InputErrors.EmptyText)]
    [InlineData("   \r\n", InputErrors.EmptyText)]
    [InlineData("{\"id\": [1], \"text\": \"ok\"}", InputErrors.InvalidId)]
    [InlineData("{\"text\": \"a \\ud800 b\"}", InputErrors.InvalidUnicode)]
    [InlineData("{\"text\": \"a \\udc00\\ud800 b\"}", InputErrors.InvalidUnicode)]
    [InlineData("{\"id\": \"\\ud800\", \"text\": \"ok\"}", InputErrors.InvalidUnicode)]
    [InlineData("{\"\\ud800\": 1, \"text\": \"ok\"}", InputErrors.InvalidUnicode)]
    [InlineData("{\"text\": \"ok\", \"meta\": {\"deep\": [\"x\", \"\\udfff\"]}}", InputErrors.InvalidUnicode)]
    [InlineData("\u0000\u0000\u0000", InputErrors.EmptyText)]
    [InlineData("\u200B\u200D\uFEFF \u200E", InputErrors.EmptyText)]
    [InlineData("{\"text\": \"\\u0000\\u200b\"}", InputErrors.EmptyText)]
    public void Parse_BadValue_GivesReason(string value, string expected)
    {
        var result = InputParser.Parse(Encoding.UTF8.GetBytes(value), Limit);

        Assert.False(result.IsValid);
        Assert.Equal(expected, result.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(result.ErrorDetail));
    }

    [Fact]
    public void Parse_InvalidUtf8_IsRejected()
    {
        var result = InputParser.Parse([0x48, 0x69, 0xC3, 0x28], Limit);

        Assert.Equal(InputErrors.InvalidUtf8, result.ErrorCode);
    }

    [Fact]
    public void Parse_Empty_IsRejected()
    {
        Assert.Equal(InputErrors.EmptyValue, InputParser.Parse([], Limit).ErrorCode);
    }

    [Fact]
    public void Parse_OverLimit_IsOversizeNamingTheSetting()
    {
        var result = InputParser.Parse(new byte[Limit + 1].AsSpan().ToArray().Select(_ => (byte)'a').ToArray(), Limit);

        Assert.Equal(InputErrors.Oversize, result.ErrorCode);
        Assert.Contains("MaxMessageBytes", result.ErrorDetail);
    }

    [Fact]
    public void Parse_ExactlyAtLimit_IsAccepted()
    {
        var value = Enumerable.Repeat((byte)'a', Limit).ToArray();

        Assert.True(InputParser.Parse(value, Limit).IsValid);
    }

    [Fact]
    public void Parse_ByteOrderMark_IsDropped()
    {
        var result = InputParser.Parse([0xEF, 0xBB, 0xBF, (byte)'h', (byte)'i'], Limit);

        Assert.Equal("hi", result.Text);
    }

    [Fact]
    public void Parse_LoneSurrogateInMetadata_NamesItsPath()
    {
        var result = InputParser.Parse("""{"text": "ok", "meta": {"deep": ["x", "\udfff"]}}"""u8, Limit);

        Assert.Equal(InputErrors.InvalidUnicode, result.ErrorCode);
        Assert.Contains("$.meta.deep[1]", result.ErrorDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ValidSurrogatePairEscape_IsText()
    {
        var result = InputParser.Parse("""{"text": "smile \ud83d\ude00 now"}"""u8, Limit);

        Assert.True(result.IsValid);
        Assert.Equal("smile \U0001F600 now", result.Text);
    }

    [Fact]
    public void Parse_MetadataAsDeepAsAllowed_IsValidAndItsRecordReadableByDefaultReaders()
    {
        // 62 levels in all (the object plus 61 arrays): the deepest input accepted.
        var json = "{\"text\": \"ok\", \"m\": " + new string('[', 61) + "1" + new string(']', 61) + "}";

        var result = InputParser.Parse(Encoding.UTF8.GetBytes(json), Limit);
        var record = new EnrichedRecord
        {
            Id = "x",
            Text = "ok",
            Entities = [],
            Models = new Dictionary<string, string>(),
            Source = new SourceCoordinates("t", 0, 0),
            Metadata = result.Metadata,
        };
        var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(record, ContractsJsonContext.Readable.EnrichedRecord);

        Assert.True(result.IsValid);
        using var readBack = System.Text.Json.JsonDocument.Parse(bytes); // default MaxDepth 64
        Assert.Contains("[[[[1]]]]", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeeperThanAllowed_IsInvalidJson()
    {
        var json = "{\"text\": \"ok\", \"m\": " + new string('[', 63) + "1" + new string(']', 63) + "}";

        var result = InputParser.Parse(Encoding.UTF8.GetBytes(json), Limit);

        Assert.Equal(InputErrors.InvalidJson, result.ErrorCode);
        Assert.Contains("depth", result.ErrorDetail, StringComparison.OrdinalIgnoreCase);
    }
}
