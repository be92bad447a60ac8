using StreamNlp.Worker.Ingestion;

namespace StreamNlp.UnitTests.Worker.Ingestion;

public sealed class BufferGaugeTests
{
    [Fact]
    public void ShouldPause_AtHighMark_ResumeOnlyAtLowMark()
    {
        var gauge = new BufferGauge(10);
        for (var i = 0; i < 9; i++)
        {
            gauge.Added();
        }

        var beforeHigh = gauge.ShouldPause;
        gauge.Added();
        var atHigh = gauge.ShouldPause;
        gauge.Taken(4);
        var between = gauge.ShouldResume;
        gauge.Taken(1);

        Assert.False(beforeHigh);
        Assert.True(atHigh);
        Assert.False(between);
        Assert.True(gauge.ShouldResume);
        Assert.Equal(5, gauge.LowMark);
    }

    [Fact]
    public void Constructor_HighMarkBelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BufferGauge(0));
}
