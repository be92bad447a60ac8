using StreamNlp.Models.Tokenization;

namespace StreamNlp.UnitTests.Models.Tokenization;

public sealed class TokenShapeFeaturesTests
{
    [Theory]
    [InlineData("Paris", new[] { 1f, 0f, 0f, 0f, 0f })]
    [InlineData("NASA", new[] { 1f, 1f, 0f, 0f, 0f })]
    [InlineData("paris", new[] { 0f, 0f, 0f, 1f, 0f })]
    [InlineData("1999", new[] { 0f, 0f, 1f, 0f, 0f })]
    [InlineData(".", new[] { 0f, 0f, 0f, 0f, 1f })]
    [InlineData("Zürich", new[] { 1f, 0f, 0f, 0f, 0f })]
    public void Compute_DescribesCasingAndShape(string word, float[] expected)
    {
        var features = new float[TokenShapeFeatures.Count];

        TokenShapeFeatures.Compute(word, features);

        Assert.Equal(expected, features);
    }
}
