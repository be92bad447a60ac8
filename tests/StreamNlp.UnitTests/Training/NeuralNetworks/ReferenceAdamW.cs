namespace StreamNlp.UnitTests.Training.NeuralNetworks;

/// <summary>AdamW written out in double precision, straight from the PyTorch documentation.</summary>
internal sealed class ReferenceAdamW(float[] initial, bool decay)
{
    private readonly double[] m = new double[initial.Length];
    private readonly double[] v = new double[initial.Length];

    public double[] Values { get; } = initial.Select(x => (double)x).ToArray();

    public void Step(float[] gradient, int t, double lr, double weightDecay, double beta1, double beta2, double epsilon)
    {
        for (var i = 0; i < Values.Length; i++)
        {
            if (decay)
            {
                Values[i] -= lr * weightDecay * Values[i];
            }

            m[i] = (beta1 * m[i]) + ((1 - beta1) * gradient[i]);
            v[i] = (beta2 * v[i]) + ((1 - beta2) * gradient[i] * gradient[i]);
            var mHat = m[i] / (1 - Math.Pow(beta1, t));
            var vHat = v[i] / (1 - Math.Pow(beta2, t));
            Values[i] -= lr * mHat / (Math.Sqrt(vHat) + epsilon);
        }
    }
}
