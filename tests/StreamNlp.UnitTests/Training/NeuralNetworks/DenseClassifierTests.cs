using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.UnitTests.Training.NeuralNetworks;

public sealed class DenseClassifierTests
{
    [Fact]
    public void Create_WithHiddenLayers_BuildsDenseReluDropoutStack()
    {
        var model = DenseClassifier.Create(10, [8, 6], 3, dropout: 0.2f, new SeededRandom(1));

        Assert.Equal(
            [typeof(DenseLayer), typeof(ReluLayer), typeof(DropoutLayer), typeof(DenseLayer), typeof(ReluLayer), typeof(DropoutLayer), typeof(DenseLayer)],
            model.Layers.Select(l => l.GetType()));
        Assert.Equal([8, 6], model.HiddenSizes);
        Assert.Equal(10, model.InputDimension);
        Assert.Equal(3, model.ClassCount);
        Assert.Equal((10 * 8) + 8 + (8 * 6) + 6 + (6 * 3) + 3, model.Parameters.Sum(p => p.Length));
    }

    [Fact]
    public void Create_HiddenSizeZero_IsSoftmaxRegression()
    {
        var model = DenseClassifier.Create(10, [0], 4, dropout: 0.5f, new SeededRandom(1));

        var layer = Assert.Single(model.Layers);
        Assert.IsType<DenseLayer>(layer);
        Assert.Empty(model.HiddenSizes);
    }

    [Fact]
    public void PredictProbabilities_BatchEqualsSingleRows_AndRowsSumToOne()
    {
        var model = DenseClassifier.Create(7, [5], 3, dropout: 0.5f, new SeededRandom(2));
        var random = new Random(2);
        const int rows = 300; // more than one inference chunk
        var features = GradientChecker.RandomValues(random, rows * 7);

        var batch = model.PredictProbabilities(features, rows);

        Assert.Equal(rows * 3, batch.Length);
        for (var r = 0; r < rows; r++)
        {
            var single = model.PredictProbabilities(features.AsSpan(r * 7, 7));
            Assert.Equal(single, batch.AsSpan(r * 3, 3).ToArray());
            Assert.Equal(1.0, single.Sum(), 5);
            Assert.Equal(Array.IndexOf(single, single.Max()), model.Predict(features.AsSpan(r * 7, 7)));
        }

        Assert.Equal(model.Predict(features, rows), Enumerable.Range(0, rows).Select(r => model.Predict(features.AsSpan(r * 7, 7))));
    }

    [Fact]
    public void PredictProbabilities_IgnoresDropout()
    {
        var model = DenseClassifier.Create(4, [16], 2, dropout: 0.9f, new SeededRandom(3));
        float[] features = [0.5f, -1f, 2f, 0.25f];

        Assert.Equal(model.PredictProbabilities(features), model.PredictProbabilities(features));
    }

    [Fact]
    public void PredictProbabilities_SoftmaxRegression_MatchesHandComputation()
    {
        // Two classes, two features: logits = W·x + b.
        var layer = new DenseLayer(2, 2, [1f, 2f, -1f, 0.5f], [0.5f, -0.5f]);
        var model = new DenseClassifier([layer]);

        var probabilities = model.PredictProbabilities([1f, 1f]);

        // logits = [1 + 2 + 0.5, −1 + 0.5 − 0.5] = [3.5, −1]
        var expected0 = 1 / (1 + Math.Exp(-4.5));
        Assert.Equal(expected0, probabilities[0], 5);
        Assert.Equal(1 - expected0, probabilities[1], 5);
    }

    [Fact]
    public void Clone_IsIndependentOfTheOriginal()
    {
        var model = DenseClassifier.Create(3, [4], 2, dropout: 0f, new SeededRandom(4));
        var clone = model.Clone();
        float[] features = [1f, 2f, 3f];
        var before = clone.PredictProbabilities(features);

        model.Parameters[0].Value[0] += 10f;

        Assert.Equal(before, clone.PredictProbabilities(features));
        Assert.NotEqual(before, model.PredictProbabilities(features));
    }

    [Fact]
    public void Constructor_MismatchedLayers_Throws()
    {
        Assert.Throws<ArgumentException>(() => new DenseClassifier([new DenseLayer(3, 4, new float[12], new float[4]), new ReluLayer(5)]));
        Assert.Throws<ArgumentException>(() => new DenseClassifier([]));
    }

    [Fact]
    public void PredictProbabilities_WrongFeatureCount_Throws()
    {
        var model = DenseClassifier.Create(3, [], 2, dropout: 0f, new SeededRandom(5));

        Assert.Throws<ArgumentException>(() => model.PredictProbabilities([1f, 2f]));
    }
}
