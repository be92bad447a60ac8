using StreamNlp.Models.Inference;

namespace StreamNlp.UnitTests.Models.Segmentation;

public sealed class SegmentPassesTests
{
    [Fact]
    public void Plan_NoWasteLimit_IsOnePassInInputOrder() =>
        Assert.Equal([[0, 1, 2, 3]], SegmentPasses.Plan([40, 8, 12, 40], double.PositiveInfinity));

    [Fact]
    public void Plan_WasteLimit_GroupsSimilarLengths()
    {
        int[] lengths = [40, 8, 12, 40, 9, 41];
        var passes = SegmentPasses.Plan(lengths, 0.10);

        Assert.Equal([1, 4, 2, 0, 3, 5], passes.SelectMany(p => p).ToArray()); // sorted by length, every segment once
        Assert.All(passes, p => Assert.True(p.Length * p.Max(i => lengths[i]) <= 1.10 * p.Sum(i => lengths[i]) + 1e-9));
        Assert.True(SegmentPasses.PaddedTokens(lengths, passes) < SegmentPasses.PaddedTokens(lengths, SegmentPasses.Plan(lengths, double.PositiveInfinity)));
    }

    [Fact]
    public void Plan_NoSegments_IsNoPass() => Assert.Empty(SegmentPasses.Plan([], 0.10));
}
