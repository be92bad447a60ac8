using StreamNlp.Worker.Batching;

namespace StreamNlp.UnitTests.Worker.Batching;

public sealed class LengthGroupingTests
{
    private static readonly BatchPolicy Run = new(MaxItems: 64, MaxWait: TimeSpan.Zero, MaxTokens: 8192);

    [Fact]
    public void Plan_MixedLengths_EveryRecordOnceAndEachRunWithinWasteAndPolicy()
    {
        var random = new Random(11);
        var lengths = Enumerable.Range(0, 256).Select(_ => random.Next(12, 200)).ToList();
        var grouping = new LengthGrouping(Run, 0.10);

        var runs = grouping.Plan(lengths);

        Assert.Equal(Enumerable.Range(0, 256), runs.SelectMany(r => r).Order());
        foreach (var run in runs)
        {
            var longest = run.Max(i => lengths[i]);
            var real = run.Sum(i => lengths[i]);
            Assert.InRange(run.Length, 1, 64);
            Assert.True((long)run.Length * longest <= 8192 || run.Length == 1);
            Assert.True((run.Length * (double)longest / real) - 1 <= 0.10 + 1e-9, $"run of {run.Length} wastes {(run.Length * (double)longest / real) - 1:P1}");
        }
    }

    [Fact]
    public void Plan_MixedLengths_PadsFarLessThanArrivalOrder()
    {
        var random = new Random(5);
        var lengths = Enumerable.Range(0, 256).Select(_ => random.Next(20, 120)).ToList();

        var grouped = LengthGrouping.PaddedTokens(lengths, new LengthGrouping(Run, 0.10).Plan(lengths));
        var arrival = LengthGrouping.PaddedTokens(lengths, Enumerable.Range(0, 4).Select(b => Enumerable.Range(b * 64, 64).ToArray()));

        Assert.True(grouped <= 1.10 * lengths.Sum(), $"grouped {grouped} vs real {lengths.Sum()}");
        Assert.True(grouped < 0.75 * arrival, $"grouped {grouped} vs arrival order {arrival}");
    }

    [Fact]
    public void Plan_EqualLengths_FullRunsOfMaxItems()
    {
        var runs = new LengthGrouping(Run, 0.10).Plan([.. Enumerable.Repeat(30, 200)]);

        Assert.Equal([64, 64, 64, 8], runs.Select(r => r.Length));
    }

    [Fact]
    public void Plan_TokenBudget_BoundsLongRuns()
    {
        var runs = new LengthGrouping(Run, 0.10).Plan([.. Enumerable.Repeat(256, 100)]);

        Assert.All(runs, r => Assert.True(r.Length * 256 <= 8192));
        Assert.Equal(100, runs.Sum(r => r.Length));
    }

    [Fact]
    public void Plan_Empty_NoRuns() => Assert.Empty(new LengthGrouping(Run, 0.10).Plan([]));
}
