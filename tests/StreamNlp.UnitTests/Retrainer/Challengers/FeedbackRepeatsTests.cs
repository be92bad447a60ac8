using StreamNlp.Retrainer.Challengers;

namespace StreamNlp.UnitTests.Retrainer.Challengers;

public sealed class FeedbackRepeatsTests
{
    [Theory]
    [InlineData(4000, 400, 0.5, 10)] // 4,000 feedback copies next to 4,000 replayed rows: half the examples
    [InlineData(4000, 400, 0.2, 3)]  // 1,200 of 5,200 ≈ 23 %
    [InlineData(100, 400, 0.5, 1)]   // feedback already outweighs the replay: never fewer than once
    [InlineData(0, 400, 0.5, 1)]     // no replay
    [InlineData(4000, 0, 0.5, 1)]    // no feedback
    public void FeedbackRepeats_GiveTheFeedbackItsShare(int replay, int feedback, double share, int expected) =>
        Assert.Equal(expected, ChallengeRunner.FeedbackRepeats(replay, feedback, share));
}
