using StreamNlp.Worker.Batching;

namespace StreamNlp.UnitTests.Worker.Batching;

public sealed class BatchPolicyTests
{
    private static readonly BatchPolicy Policy = new(MaxItems: 4, MaxWait: TimeSpan.Zero, MaxTokens: 100);

    [Theory]
    [InlineData(0, 0, 1000, true)]   // the first record always fits
    [InlineData(1, 10, 10, true)]    // 2 × 10
    [InlineData(1, 10, 60, false)]   // 2 × 60 > 100
    [InlineData(3, 20, 25, true)]    // 4 × 25 = 100
    [InlineData(4, 1, 1, false)]     // full by count
    public void Admits_FollowsCountAndPaddedTokenBudget(int count, int longest, int tokens, bool expected)
    {
        Assert.Equal(expected, Policy.Admits(count, longest, tokens));
    }
}
