using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.UnitTests.Training.NeuralNetworks;

/// <summary>Small synthetic classification sets for trainer tests.</summary>
internal static class ToyData
{
    /// <summary>
    /// <paramref name="classes"/> Gaussian blobs (σ = 1) in <paramref name="dimension"/> dimensions whose centres are
    /// <paramref name="separation"/> apart on distinct axes: linearly separable for a large separation.
    /// </summary>
    public static TrainingSet Blobs(int count, int dimension, int classes, float separation, int seed)
    {
        var random = new SeededRandom((ulong)seed);
        var features = new float[count * dimension];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            var label = i % classes;
            labels[i] = label;
            for (var d = 0; d < dimension; d++)
            {
                features[(i * dimension) + d] = (float)random.NextGaussian() + (d == label ? separation : 0f);
            }
        }

        return new TrainingSet(features, dimension, labels, classes);
    }

    /// <summary>One feature: class 0 ~ N(0, 1) for 90% of examples, class 1 ~ N(shift, 1) for 10%.</summary>
    public static TrainingSet Imbalanced(int count, float shift, int seed)
    {
        var random = new SeededRandom((ulong)seed);
        var features = new float[count];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % 10 == 0 ? 1 : 0;
            features[i] = (float)random.NextGaussian() + (labels[i] * shift);
        }

        return new TrainingSet(features, 1, labels, 2);
    }
}
