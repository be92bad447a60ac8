using Microsoft.Extensions.Options;
using StreamNlp.Models.Configuration;
using StreamNlp.Models.Segmentation;

namespace StreamNlp.UnitTests.Models.Configuration;

/// <summary><c>StreamNlp:Models:Segmentation</c> as the host binds and validates it, and where it goes.</summary>
public sealed class ModelOptionsSegmentationTests
{
    [Fact]
    public void Default_IsSentences_AndReachesTheInferenceSettings()
    {
        var options = Resolve(null);

        Assert.Equal(TextSegmentation.Sentences, options.Segmentation);
        Assert.Equal(TextSegmentation.Sentences, options.ToInferenceSettings().Segmentation);
    }

    [Theory]
    [InlineData("None", TextSegmentation.None)]
    [InlineData("sentences", TextSegmentation.Sentences)]
    public void Bind_KnownValue_IsAccepted(string value, TextSegmentation expected)
    {
        var options = Resolve(value);

        Assert.Equal(expected, options.Segmentation);
        Assert.Equal(expected, options.ToInferenceSettings().Segmentation);
    }

    [Fact]
    public void Bind_UnknownName_FailsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolve("Paragraphs"));

        Assert.Contains("StreamNlp:Models:Segmentation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UndefinedNumber_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve("5"));

        Assert.Contains("StreamNlp:Models:Segmentation must be Sentences or None", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }

    private static ModelOptions Resolve(string? segmentation) =>
        BoundModelOptions.Resolve(new Dictionary<string, string?> { ["Segmentation"] = segmentation });
}
