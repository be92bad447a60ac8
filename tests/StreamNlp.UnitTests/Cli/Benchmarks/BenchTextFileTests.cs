using StreamNlp.Cli.Benchmarks;
using StreamNlp.Cli.Commands;
using StreamNlp.UnitTests.Training;

namespace StreamNlp.UnitTests.Cli.Benchmarks;

public sealed class BenchTextFileTests
{
    [Fact]
    public void Load_ValidLinesAndBlankLines_ReturnsTextsInOrder()
    {
        using var file = new TemporaryFile("{\"text\": \"first\", \"label\": \"world\"}\n\n{\"text\": \"second\"}\n", ".jsonl");

        Assert.Equal(["first", "second"], BenchTextFile.Load(file.Path));
    }

    [Fact]
    public void Load_InvalidJson_NamesFileAndLine()
    {
        using var file = new TemporaryFile("{\"text\": \"ok\"}\n\n{\"text\": \"broken\n{\"text\": \"never read\"}\n", ".jsonl");

        var error = Assert.Throws<CliException>(() => BenchTextFile.Load(file.Path));

        Assert.StartsWith($"{file.Path} line 3: not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"label\": \"world\"}", "no \"text\" string field")]
    [InlineData("{\"text\": 42}", "no \"text\" string field")]
    [InlineData("{\"text\": \"  \"}", "\"text\" is empty")]
    [InlineData("[\"text\"]", "a JSON array, expected an object")]
    public void Load_LineWithoutUsableText_NamesLineAndReason(string badLine, string reason)
    {
        using var file = new TemporaryFile($"{{\"text\": \"ok\"}}\n{badLine}\n", ".jsonl");

        var error = Assert.Throws<CliException>(() => BenchTextFile.Load(file.Path));

        Assert.StartsWith($"{file.Path} line 2: {reason}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OnlyBlankLines_SaysThereAreNoTexts()
    {
        using var file = new TemporaryFile("\n  \n", ".jsonl");

        var error = Assert.Throws<CliException>(() => BenchTextFile.Load(file.Path));

        Assert.Contains("no texts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_SaysSo()
    {
        var error = Assert.Throws<CliException>(() => BenchTextFile.Load("/nonexistent/bench.jsonl"));

        Assert.Equal("/nonexistent/bench.jsonl: no such file.", error.Message);
    }

    [Fact]
    public void Cycle_MoreThanRows_WrapsAroundFromTheStart()
    {
        Assert.Equal(["b", "c", "a", "b", "c"], BenchTextFile.Cycle(["a", "b", "c"], start: 1, count: 5));
    }

    [Fact]
    public void DefaultSample_IsShippedWithVariedLengths()
    {
        var texts = BenchTextFile.Load(BenchTextFile.DefaultPath);

        Assert.Equal(500, texts.Count);
        Assert.Equal(texts.Count, texts.Distinct(StringComparer.Ordinal).Count());
        Assert.True(texts.Max(t => t.Length) > 3 * texts.Min(t => t.Length), "the sample should mix short and long texts");
    }
}
