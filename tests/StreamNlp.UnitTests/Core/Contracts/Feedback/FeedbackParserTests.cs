using System.Text;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;

namespace StreamNlp.UnitTests.Core.Contracts.Feedback;

public sealed class FeedbackParserTests
{
    private const int Limit = 4096;

    public static TheoryData<string, string> BadJsonValues => new()
    {
        { "Paris is nice", FeedbackErrors.InvalidJson },
        { "{\"task\": \"ner\",", FeedbackErrors.InvalidJson },
        { " \r\n\t", FeedbackErrors.InvalidJson },
        { "{\"task\": \"sentiment\", \"text\": \"ok\", \"label\": \"positive\", \"label\": \"negative\"}", FeedbackErrors.InvalidJson },
        { "[{\"task\": \"sentiment\"}]", FeedbackErrors.NotAnObject },
        { "\"just a string\"", FeedbackErrors.NotAnObject },
        { "42", FeedbackErrors.NotAnObject },
        { "null", FeedbackErrors.NotAnObject },
        { "{\"text\": \"no task\", \"label\": \"x\"}", FeedbackErrors.UnknownTask },
        { "{\"task\": \"summarization\", \"text\": \"t\", \"label\": \"x\"}", FeedbackErrors.UnknownTask },
        { "{\"task\": 1, \"text\": \"t\", \"label\": \"x\"}", FeedbackErrors.UnknownTask },
        { "{\"task\": \"sentiment\", \"label\": \"positive\"}", FeedbackErrors.MissingText },
        { "{\"task\": \"sentiment\", \"text\": 42, \"label\": \"positive\"}", FeedbackErrors.MissingText },
        { "{\"task\": \"sentiment\", \"text\": null, \"label\": \"positive\"}", FeedbackErrors.MissingText },
        { "{\"task\": \"sentiment\", \"text\": \"\", \"label\": \"positive\"}", FeedbackErrors.EmptyText },
        { "{\"task\": \"ner\", \"text\": \" \\t\\n \", \"entities\": []}", FeedbackErrors.EmptyText },
        { "{\"task\": \"classification\", \"text\": \"Stocks fell\"}", FeedbackErrors.MissingLabel },
        { "{\"task\": \"classification\", \"text\": \"Stocks fell\", \"label\": \"\"}", FeedbackErrors.MissingLabel },
        { "{\"task\": \"sentiment\", \"text\": \"Good\", \"label\": \"   \"}", FeedbackErrors.MissingLabel },
        { "{\"task\": \"sentiment\", \"text\": \"Good\", \"label\": \"\\u200b\\u0000\"}", FeedbackErrors.MissingLabel },
        { "{\"task\": \"sentiment\", \"text\": \"Good\", \"label\": 1}", FeedbackErrors.MissingLabel },
        { "{\"task\": \"sentiment\", \"text\": \"Good\", \"label\": null}", FeedbackErrors.MissingLabel },
        { "{\"task\": \"sentiment\", \"text\": \"Good\", \"entities\": []}", FeedbackErrors.MissingLabel },
        { "{\"task\": \"ner\", \"text\": \"Paris\"}", FeedbackErrors.MissingEntities },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"label\": \"LOC\"}", FeedbackErrors.MissingEntities },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": {}}", FeedbackErrors.MissingEntities },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": null}", FeedbackErrors.MissingEntities },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [5]}", FeedbackErrors.InvalidEntity },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [{\"start\": \"0\", \"end\": 5, \"label\": \"LOC\"}]}", FeedbackErrors.InvalidEntity },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [{\"start\": 0.5, \"end\": 5, \"label\": \"LOC\"}]}", FeedbackErrors.InvalidEntity },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [{\"start\": 0, \"label\": \"LOC\"}]}", FeedbackErrors.InvalidEntity },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [{\"start\": 0, \"end\": 5}]}", FeedbackErrors.InvalidEntity },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [{\"start\": 0, \"end\": 5, \"label\": \" \"}]}", FeedbackErrors.InvalidEntity },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [{\"start\": 0, \"end\": 5, \"label\": 7}]}", FeedbackErrors.InvalidEntity },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [{\"start\": 0, \"end\": 5, \"label\": \"B-LOC\"}]}", FeedbackErrors.InvalidEntity },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [{\"start\": 0, \"end\": 5, \"label\": \"i-loc\"}]}", FeedbackErrors.InvalidEntity },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [{\"start\": -1, \"end\": 5, \"label\": \"LOC\"}]}", FeedbackErrors.SpanOutOfRange },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [{\"start\": 0, \"end\": 6, \"label\": \"LOC\"}]}", FeedbackErrors.SpanOutOfRange },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [{\"start\": 2, \"end\": 2, \"label\": \"LOC\"}]}", FeedbackErrors.SpanOutOfRange },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [{\"start\": 4, \"end\": 1, \"label\": \"LOC\"}]}", FeedbackErrors.SpanOutOfRange },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [{\"start\": 0, \"end\": 3000000000, \"label\": \"LOC\"}]}", FeedbackErrors.SpanOutOfRange },
        { "{\"task\": \"ner\", \"text\": \"Angela Merkel\", \"entities\": [{\"start\": 0, \"end\": 8, \"label\": \"PER\"}, {\"start\": 7, \"end\": 13, \"label\": \"PER\"}]}", FeedbackErrors.SpansOverlap },
        { "{\"task\": \"ner\", \"text\": \"Angela Merkel\", \"entities\": [{\"start\": 7, \"end\": 13, \"label\": \"PER\"}, {\"start\": 0, \"end\": 13, \"label\": \"PER\"}]}", FeedbackErrors.SpansOverlap },
        { "{\"task\": \"ner\", \"text\": \"Paris\", \"entities\": [{\"start\": 0, \"end\": 5, \"label\": \"LOC\"}, {\"start\": 0, \"end\": 5, \"label\": \"LOC\"}]}", FeedbackErrors.SpansOverlap },
        { "{\"task\": \"sentiment\", \"text\": \"Good\", \"label\": \"positive\", \"id\": [1]}", FeedbackErrors.InvalidId },
        { "{\"task\": \"sentiment\", \"text\": \"Good\", \"label\": \"positive\", \"id\": true}", FeedbackErrors.InvalidId },
        { "{\"task\": \"sentiment\", \"text\": \"Good\", \"label\": \"positive\", \"source\": 5}", FeedbackErrors.InvalidSource },
    };

    public static TheoryData<byte[], int, string> BadBytes => new()
    {
        { Encoding.UTF8.GetBytes(new string('a', Limit + 1)), Limit, FeedbackErrors.Oversize },
        { Encoding.UTF8.GetBytes("{\"task\":\"sentiment\",\"text\":\"Good\",\"label\":\"positive\"}"), 10, FeedbackErrors.Oversize },
        { [], Limit, FeedbackErrors.EmptyValue },
        { [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D], Limit, FeedbackErrors.InvalidUtf8 },
    };

    [Theory]
    [MemberData(nameof(BadJsonValues))]
    public void Parse_BadValue_GivesReason(string value, string expected)
    {
        var result = FeedbackParser.Parse(Encoding.UTF8.GetBytes(value), Limit);

        Assert.False(result.IsValid);
        Assert.Null(result.Example);
        Assert.Equal(expected, result.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(result.ErrorDetail));
    }

    [Theory]
    [MemberData(nameof(BadBytes))]
    public void Parse_BadBytes_GivesReason(byte[] value, int maxBytes, string expected)
    {
        var result = FeedbackParser.Parse(value, maxBytes);

        Assert.False(result.IsValid);
        Assert.Equal(expected, result.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(result.ErrorDetail));
    }

    [Fact]
    public void ReasonCodes_AreDistinctKebabCase()
    {
        var codes = typeof(FeedbackErrors).GetFields().Select(field => (string)field.GetRawConstantValue()!).ToList();

        Assert.Equal(16, codes.Count);
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, code => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", code));
    }

    [Fact]
    public void Parse_SequenceExample_TrimsLabelAndKeepsIdAndSource()
    {
        var result = FeedbackParser.Parse("""{"task": "sentiment", "text": " Great film ", "label": " positive ", "id": 17, "source": "alice", "note": "ignored"}"""u8, Limit);

        Assert.True(result.IsValid, result.ErrorDetail);
        Assert.Null(result.ErrorCode);
        var example = result.Example!;
        Assert.Equal(NlpTask.Sentiment, example.Task);
        Assert.Equal(" Great film ", example.Text);
        Assert.Equal("positive", example.Label);
        Assert.Null(example.Entities);
        Assert.Equal("17", example.Id);
        Assert.Equal("alice", example.Source);
    }

    [Fact]
    public void Parse_SequenceExampleWithoutIdOrSource_LeavesThemNull()
    {
        var result = FeedbackParser.Parse("""{"task": "classification", "text": "Stocks fell", "label": "Business", "id": null}"""u8, Limit);

        Assert.True(result.IsValid, result.ErrorDetail);
        Assert.Null(result.Example!.Id);
        Assert.Null(result.Example.Source);
    }

    [Theory]
    [InlineData("topic", NlpTask.Classification)]
    [InlineData("Classification", NlpTask.Classification)]
    [InlineData(" SENTIMENT ", NlpTask.Sentiment)]
    public void Parse_TaskAlias_IsAccepted(string taskName, NlpTask expected)
    {
        var json = $$"""{"task": "{{taskName}}", "text": "Stocks fell", "label": "Business"}""";

        var result = FeedbackParser.Parse(Encoding.UTF8.GetBytes(json), Limit);

        Assert.True(result.IsValid, result.ErrorDetail);
        Assert.Equal(expected, result.Example!.Task);
    }

    [Fact]
    public void Parse_LabelTheModelHasNeverSeen_IsValid()
    {
        var result = FeedbackParser.Parse("""{"task": "classification", "text": "Qubits beat classical bits.", "label": "Quantum Computing"}"""u8, Limit);

        Assert.True(result.IsValid, result.ErrorDetail);
        Assert.Equal("Quantum Computing", result.Example!.Label);
    }

    [Fact]
    public void Parse_NerExample_SortsEntitiesByStartAndTrimsLabels()
    {
        const string Text = "Angela Merkel visited Paris.";
        var json = """
            {"task": "entities", "text": "Angela Merkel visited Paris.", "id": "rec-9", "entities": [
                {"start": 22, "end": 27, "label": " LOC ", "text": "Paris"},
                {"start": 0, "end": 6, "label": "PER"},
                {"start": 6, "end": 13, "label": "PER"}
            ]}
            """u8;

        var result = FeedbackParser.Parse(json, Limit);

        Assert.True(result.IsValid, result.ErrorDetail);
        var example = result.Example!;
        Assert.Equal(NlpTask.Ner, example.Task);
        Assert.Null(example.Label);
        Assert.Equal("rec-9", example.Id);
        Assert.Equal(
            [new FeedbackEntity(0, 6, "PER"), new FeedbackEntity(6, 13, "PER"), new FeedbackEntity(22, 27, "LOC")],
            example.Entities!);
        Assert.Equal("Paris", Text[example.Entities![2].Start..example.Entities[2].End]);
    }

    [Fact]
    public void Parse_NerWithEmptyEntities_MeansNoEntities()
    {
        var result = FeedbackParser.Parse("""{"task": "ner", "text": "nothing to see here", "entities": []}"""u8, Limit);

        Assert.True(result.IsValid, result.ErrorDetail);
        Assert.NotNull(result.Example!.Entities);
        Assert.Empty(result.Example.Entities);
    }

    [Fact]
    public void Parse_NerOffsets_AreUtf16Characters()
    {
        // The emoji is one code point but two UTF-16 characters (and four UTF-8 bytes).
        const string Text = "\U0001F600 Paris";
        var json = Encoding.UTF8.GetBytes($$"""{"task": "ner", "text": "{{Text}}", "entities": [{"start": 3, "end": 8, "label": "LOC"}]}""");

        var result = FeedbackParser.Parse(json, Limit);

        Assert.True(result.IsValid, result.ErrorDetail);
        var entity = Assert.Single(result.Example!.Entities!);
        Assert.Equal("Paris", Text[entity.Start..entity.End]);
        Assert.Equal(
            FeedbackErrors.SpanOutOfRange,
            FeedbackParser.Parse(Encoding.UTF8.GetBytes($$"""{"task": "ner", "text": "{{Text}}", "entities": [{"start": 3, "end": 9, "label": "LOC"}]}"""), Limit).ErrorCode);
    }

    [Fact]
    public void Parse_BioTagAsEntityLabel_SaysToUseTheType()
    {
        var result = FeedbackParser.Parse("""{"task": "ner", "text": "Paris", "entities": [{"start": 0, "end": 5, "label": "B-LOC"}]}"""u8, Limit);

        Assert.Equal(FeedbackErrors.InvalidEntity, result.ErrorCode);
        Assert.Contains("BIO", result.ErrorDetail);
        Assert.Contains("\"LOC\"", result.ErrorDetail);
    }

    [Fact]
    public void Parse_ByteOrderMark_IsSkipped()
    {
        byte[] value = [0xEF, 0xBB, 0xBF, .. """{"task": "sentiment", "text": "Good", "label": "positive"}"""u8];

        var result = FeedbackParser.Parse(value, Limit);

        Assert.True(result.IsValid, result.ErrorDetail);
        Assert.Equal("Good", result.Example!.Text);
    }

    [Fact]
    public void Serialize_SequenceExample_WritesTheAcceptedShape()
    {
        var example = new FeedbackExample(NlpTask.Sentiment, "Good", "positive");

        var json = Encoding.UTF8.GetString(FeedbackJson.Serialize(example));

        Assert.Equal("""{"task":"sentiment","text":"Good","label":"positive"}""", json);
    }

    [Fact]
    public void Serialize_NerExample_WritesEntitiesAndNoLabel()
    {
        var example = new FeedbackExample(NlpTask.Ner, "Zürich", Label: "ignored", Entities: [new FeedbackEntity(0, 6, "LOC")], Id: "r-1", Source: "bob");

        var json = Encoding.UTF8.GetString(FeedbackJson.Serialize(example));

        Assert.Equal("""{"task":"ner","text":"Zürich","entities":[{"start":0,"end":6,"label":"LOC"}],"id":"r-1","source":"bob"}""", json);
    }

    public static TheoryData<FeedbackExample> RoundTripExamples => new()
    {
        new FeedbackExample(NlpTask.Classification, "Stocks fell sharply.", "Business"),
        new FeedbackExample(NlpTask.Sentiment, "Ça marche \"très\" bien\n😀", "positive", Id: "42", Source: "alice"),
        new FeedbackExample(NlpTask.Ner, "Angela Merkel visited Zürich.", Entities: [new FeedbackEntity(0, 13, "PER"), new FeedbackEntity(22, 28, "LOC")], Id: "rec-7"),
        new FeedbackExample(NlpTask.Ner, "nothing here", Entities: [], Source: "carol"),
    };

    [Theory]
    [MemberData(nameof(RoundTripExamples))]
    public void Serialize_ThenParse_GivesTheSameExample(FeedbackExample example)
    {
        var result = FeedbackParser.Parse(FeedbackJson.Serialize(example), Limit);

        Assert.True(result.IsValid, result.ErrorDetail);
        Assert.Equal(example, result.Example);
    }

    [Fact]
    public void Serialize_IncompleteExample_Throws()
    {
        Assert.Throws<ArgumentException>(() => FeedbackJson.Serialize(new FeedbackExample(NlpTask.Sentiment, "Good")));
        Assert.Throws<ArgumentException>(() => FeedbackJson.Serialize(new FeedbackExample(NlpTask.Ner, "Paris", Label: "LOC")));
    }

    [Fact]
    public void ExampleEquality_ComparesEntitiesByValue()
    {
        var left = new FeedbackExample(NlpTask.Ner, "Paris", Entities: [new FeedbackEntity(0, 5, "LOC")]);
        var same = new FeedbackExample(NlpTask.Ner, "Paris", Entities: new List<FeedbackEntity> { new(0, 5, "LOC") });
        var different = new FeedbackExample(NlpTask.Ner, "Paris", Entities: [new FeedbackEntity(0, 5, "ORG")]);

        Assert.Equal(left, same);
        Assert.Equal(left.GetHashCode(), same.GetHashCode());
        Assert.NotEqual(left, different);
        Assert.NotEqual(left, left with { Entities = [] });
    }
}
