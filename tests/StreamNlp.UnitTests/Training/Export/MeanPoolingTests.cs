using StreamNlp.Training.Export;

namespace StreamNlp.UnitTests.Training.Export;

public sealed class MeanPoolingTests
{
    [Fact]
    public void Compute_AveragesOnlyUnmaskedTokens()
    {
        // batch 2, seq 3, hidden 2
        float[] hidden =
        [
            1f, 2f, 3f, 4f, 100f, 100f,
            -1f, 0f, 5f, 5f, 7f, 9f,
        ];
        long[] mask = [1, 1, 0, 1, 1, 1];

        var pooled = MeanPooling.Compute(hidden, mask, 2, 3, 2);

        Assert.Equal([2f, 3f, 11f / 3, 14f / 3], pooled);
    }

    [Fact]
    public void Compute_AllPaddingRow_GivesZerosNotNaN()
    {
        float[] hidden = [1f, 2f, 3f, 4f];
        long[] mask = [0, 0];

        var pooled = MeanPooling.Compute(hidden, mask, 1, 2, 2);

        Assert.Equal([0f, 0f], pooled);
    }

    [Fact]
    public void Compute_WrongLengths_Throw()
    {
        Assert.Throws<ArgumentException>(() => MeanPooling.Compute(new float[5], new long[2], 1, 2, 2));
        Assert.Throws<ArgumentException>(() => MeanPooling.Compute(new float[4], new long[3], 1, 2, 2));
    }
}
