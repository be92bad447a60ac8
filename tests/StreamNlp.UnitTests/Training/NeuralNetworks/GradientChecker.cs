namespace StreamNlp.UnitTests.Training.NeuralNetworks;

/// <summary>Compares analytic gradients with central finite differences of a float-precision function.</summary>
internal static class GradientChecker
{
    /// <summary>
    /// For every element of <paramref name="values"/>, checks that <paramref name="analytic"/> equals
    /// <c>(loss(v + h) − loss(v − h)) / 2h</c> within <c>absolute + relative · max(|a|, |n|)</c>.
    /// </summary>
    public static void Check(
        string name, float[] values, float[] analytic, Func<double> loss, float step = 1e-2f, double absolute = 1e-3, double relative = 1e-2)
    {
        Assert.Equal(values.Length, analytic.Length);
        var checkedCount = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var original = values[i];
            values[i] = original + step;
            var plus = loss();
            values[i] = original - step;
            var minus = loss();
            values[i] = original;

            var actualStep = ((double)(original + step) - (original - step)) / 2;
            var numeric = (plus - minus) / (2 * actualStep);
            var tolerance = absolute + (relative * Math.Max(Math.Abs(numeric), Math.Abs(analytic[i])));
            Assert.True(
                Math.Abs(numeric - analytic[i]) <= tolerance,
                $"{name}[{i}]: analytic {analytic[i]:G6} but finite difference {numeric:G6}.");
            checkedCount++;
        }

        Assert.True(checkedCount > 0, $"{name}: nothing checked.");
    }

    /// <summary>Values from N(0, 1), avoiding |x| &lt; <paramref name="gap"/> (keeps ReLU kinks out of reach of the step).</summary>
    public static float[] RandomValues(Random random, int count, double gap = 0)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            double value;
            do
            {
                value = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            }
            while (Math.Abs(value) < gap);

            values[i] = (float)value;
        }

        return values;
    }

    /// <summary><c>Σ weights[i] · values[i]</c> in double: a scalar loss whose gradient in <c>values</c> is <c>weights</c>.</summary>
    public static double WeightedSum(float[] values, float[] weights, int length)
    {
        double sum = 0;
        for (var i = 0; i < length; i++)
        {
            sum += (double)values[i] * weights[i];
        }

        return sum;
    }
}
