using StreamNlp.Training.Data;

namespace StreamNlp.UnitTests.Training.Data;

public sealed class LabeledTextReaderTests
{
    [Fact]
    public void Read_GoodLines_ReturnsExamplesInOrderAndSkipsBlankLines()
    {
        using var file = new TemporaryFile(
            """
            {"text": "Stocks rally as rates fall", "label": "business"}

            {"label": "sports", "text": "Late goal wins the cup", "id": 7}
            {"text": "caf\u00e9 \"quoted\"", "label": 1}
            """,
            ".jsonl");

        var examples = LabeledTextReader.Read(file.Path);

        Assert.Equal(
            [
                new LabeledText("Stocks rally as rates fall", "business"),
                new LabeledText("Late goal wins the cup", "sports"),
                new LabeledText("café \"quoted\"", "1"),
            ],
            examples);
    }

    [Theory]
    [InlineData("{\"text\": \"ok\", \"label\": \"a\"}\n{not json}\n", 2, "not valid JSON")]
    [InlineData("{\"text\": \"ok\", \"label\": \"a\"}\n\n{\"label\": \"a\"}\n", 3, "\"text\"")]
    [InlineData("{\"text\": \"ok\"}\n", 1, "\"label\"")]
    [InlineData("{\"text\": \"ok\", \"label\": [1]}\n", 1, "\"label\" must be a string or a number")]
    [InlineData("{\"text\": \"ok\", \"label\": \"  \"}\n", 1, "empty")]
    [InlineData("[\"text\", \"label\"]\n", 1, "expected a JSON object")]
    [InlineData("{\"text\": 5, \"label\": \"a\"}\n", 1, "\"text\"")]
    public void Read_BadLine_ThrowsNamingFileAndLine(string content, int line, string problem)
    {
        using var file = new TemporaryFile(content, ".jsonl");

        var error = Assert.Throws<InvalidDataException>(() => LabeledTextReader.Read(file.Path));

        Assert.Contains(file.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains($"line {line}:", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_Throws()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.jsonl");

        Assert.Throws<FileNotFoundException>(() => LabeledTextReader.Read(path));
    }
}
