using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Labeling.Api;

namespace StreamNlp.UnitTests.Labeling.Api;

public sealed class FeedbackProblemFieldsTests
{
    [Theory]
    [InlineData("{\"task\":\"poetry\",\"text\":\"x\",\"label\":\"a\"}", "task")]
    [InlineData("{\"task\":\"sentiment\",\"text\":\" \",\"label\":\"a\"}", "text")]
    [InlineData("{\"task\":\"sentiment\",\"text\":\"x\",\"label\":\"\"}", "label")]
    [InlineData("{\"task\":\"ner\",\"text\":\"x\"}", "entities")]
    [InlineData("{\"task\":\"ner\",\"text\":\"Paris\",\"entities\":[{\"start\":0,\"end\":5,\"label\":\"LOC\"},{\"start\":2,\"end\":9,\"label\":\"LOC\"}]}", "entities[1]")]
    [InlineData("{\"task\":\"ner\",\"text\":\"Paris is\",\"entities\":[{\"start\":0,\"end\":5,\"label\":\"LOC\"},{\"start\":3,\"end\":7,\"label\":\"LOC\"}]}", "entities")]
    [InlineData("{\"task\":\"sentiment\",\"text\":\"x\",\"label\":\"a\",\"id\":[]}", "id")]
    [InlineData("{\"task\":", "body")]
    [InlineData("[1]", "body")]
    public void For_TheParsersReason_NamesTheField(string body, string field)
    {
        var result = FeedbackParser.Parse(System.Text.Encoding.UTF8.GetBytes(body), 10_000);

        Assert.False(result.IsValid);
        Assert.Equal(field, FeedbackProblemFields.For(result.ErrorCode!, result.ErrorDetail));
    }
}
