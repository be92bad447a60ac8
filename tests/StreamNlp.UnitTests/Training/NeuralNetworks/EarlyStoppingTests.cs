using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.UnitTests.Training.NeuralNetworks;

public sealed class EarlyStoppingTests
{
    [Fact]
    public void Report_TracksBestEpochAndStopsAfterPatienceEpochsWithoutImprovement()
    {
        var stopping = new EarlyStopping(patience: 2);

        Assert.True(stopping.Report(1, 0.5));
        Assert.True(stopping.Report(2, 0.7));
        Assert.False(stopping.Report(3, 0.7)); // equal is not better
        Assert.False(stopping.ShouldStop);
        Assert.False(stopping.Report(4, 0.6));

        Assert.True(stopping.ShouldStop);
        Assert.Equal(2, stopping.BestEpoch);
        Assert.Equal(0.7, stopping.BestMetric);
        Assert.Equal(2, stopping.EpochsWithoutImprovement);
    }

    [Fact]
    public void Report_ImprovementResetsTheCount()
    {
        var stopping = new EarlyStopping(patience: 2);
        stopping.Report(1, 0.5);
        stopping.Report(2, 0.4);

        Assert.True(stopping.Report(3, 0.8));

        Assert.Equal(0, stopping.EpochsWithoutImprovement);
        Assert.False(stopping.ShouldStop);
        Assert.Equal(3, stopping.BestEpoch);
    }

    [Fact]
    public void Report_ZeroPatience_NeverStopsButStillTracksBest()
    {
        var stopping = new EarlyStopping(patience: 0);
        stopping.Report(1, 0.9);
        for (var epoch = 2; epoch < 20; epoch++)
        {
            stopping.Report(epoch, 0.1);
        }

        Assert.False(stopping.ShouldStop);
        Assert.Equal(1, stopping.BestEpoch);
    }

    [Fact]
    public void Report_MinimumImprovement_IgnoresTinyGains()
    {
        var stopping = new EarlyStopping(patience: 5, minimumImprovement: 0.01);
        stopping.Report(1, 0.5);

        Assert.False(stopping.Report(2, 0.505));
        Assert.True(stopping.Report(3, 0.52));
        Assert.Equal(3, stopping.BestEpoch);
    }

    [Fact]
    public void Report_NaN_IsNeverBest()
    {
        var stopping = new EarlyStopping(patience: 3);

        Assert.False(stopping.Report(1, double.NaN));
        Assert.True(stopping.Report(2, 0.1));
        Assert.False(stopping.Report(3, double.NaN));
        Assert.Equal(2, stopping.BestEpoch);
    }
}
