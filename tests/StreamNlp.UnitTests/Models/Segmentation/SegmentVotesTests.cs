using StreamNlp.Core.Tasks;
using StreamNlp.Models.Inference;

namespace StreamNlp.UnitTests.Models.Segmentation;

public sealed class SegmentVotesTests
{
    [Fact]
    public void Combine_OneSegment_KeepsItsProbabilitiesExactly()
    {
        float[] only = [0.3f, 0.7f];

        Assert.Same(only, SegmentVotes.Combine(NlpTask.Sentiment, [only], [12], 2));
    }

    [Fact]
    public void Combine_Sentiment_IsTheRenormalizedGeometricMeanWithEqualWeights()
    {
        var combined = SegmentVotes.Combine(NlpTask.Sentiment, [[0.9f, 0.1f], [0.2f, 0.8f], [0.6f, 0.4f]], [50, 5, 5], 2);

        var negative = Math.Cbrt(0.9 * 0.2 * 0.6);
        var positive = Math.Cbrt(0.1 * 0.8 * 0.4);
        Assert.Equal(negative / (negative + positive), combined[0], 5);
        Assert.Equal(1.0, combined.Sum(), 5);
    }

    [Fact]
    public void Combine_Topic_WeighsEachSegmentByItsTokens()
    {
        // A 30-token sentence about sport outweighs a 10-token one about business.
        var combined = SegmentVotes.Combine(NlpTask.Classification, [[0.1f, 0.9f], [0.8f, 0.2f]], [10, 30], 2);

        var first = Math.Exp(((10 * Math.Log(0.1)) + (30 * Math.Log(0.8))) / 40);
        var second = Math.Exp(((10 * Math.Log(0.9)) + (30 * Math.Log(0.2))) / 40);
        Assert.Equal(first / (first + second), combined[0], 5);
        Assert.True(combined[0] > 0.5f);
    }

    [Fact]
    public void Combine_ZeroProbability_StaysFinite()
    {
        var combined = SegmentVotes.Combine(NlpTask.Sentiment, [[0f, 1f], [1f, 0f]], [4, 4], 2);

        Assert.All(combined, p => Assert.True(float.IsFinite(p)));
        Assert.Equal(0.5f, combined[0], 4);
    }
}
