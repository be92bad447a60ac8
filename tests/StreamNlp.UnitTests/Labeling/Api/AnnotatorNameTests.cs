using StreamNlp.Labeling.Api;

namespace StreamNlp.UnitTests.Labeling.Api;

public sealed class AnnotatorNameTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("a\u0001b")]
    public void TryRead_MissingOrControlCharacters_IsRefused(string? value) =>
        Assert.False(AnnotatorName.TryRead(value, out _, out _));

    [Fact]
    public void TryRead_TooLong_IsRefusedWithTheLimit()
    {
        Assert.False(AnnotatorName.TryRead(new string('a', AnnotatorName.MaxLength + 1), out _, out var error));
        Assert.Contains($"{AnnotatorName.MaxLength}", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Zo%C3%AB", "Zoë")]
    [InlineData("%E5%BC%A0%E4%BC%9F", "张伟")]
    [InlineData("ann%20lee", "ann lee")]
    [InlineData("100%", "100%")]
    public void TryRead_PercentEncodedUtf8_IsDecoded(string header, string expected)
    {
        Assert.True(AnnotatorName.TryRead(header, out var name, out _));
        Assert.Equal(expected, name);
    }

    [Fact]
    public void TryRead_Name_IsTrimmedAndBecomesTheSource()
    {
        Assert.True(AnnotatorName.TryRead("  Zoë ", out var name, out _));
        Assert.Equal("Zoë", name);
        Assert.Equal("streamnlp-ui:Zoë", AnnotatorName.Source(name));
    }
}
