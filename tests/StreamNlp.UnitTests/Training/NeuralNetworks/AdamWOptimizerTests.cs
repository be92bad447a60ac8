using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.UnitTests.Training.NeuralNetworks;

public sealed class AdamWOptimizerTests
{
    [Fact]
    public void Step_MatchesReferenceImplementationOverSeveralSteps()
    {
        var random = new Random(8);
        // 40,000 elements: several parallel chunks plus a vector tail.
        var weights = new Parameter("w", GradientChecker.RandomValues(random, 40_003), applyWeightDecay: true);
        var bias = new Parameter("b", GradientChecker.RandomValues(random, 7), applyWeightDecay: false);
        const float learningRate = 0.01f, weightDecay = 0.1f, beta1 = 0.8f, beta2 = 0.95f, epsilon = 1e-6f;
        var optimizer = new AdamWOptimizer([weights, bias], learningRate, weightDecay, beta1, beta2, epsilon);
        var reference = new[] { weights, bias }.Select(p => new ReferenceAdamW(p.Value, p.ApplyWeightDecay)).ToArray();

        for (var step = 1; step <= 5; step++)
        {
            foreach (var (parameter, index) in new[] { weights, bias }.Select((p, i) => (p, i)))
            {
                var gradient = GradientChecker.RandomValues(random, parameter.Length);
                gradient.CopyTo(parameter.Gradient, 0);
                reference[index].Step(gradient, step, learningRate, weightDecay, beta1, beta2, epsilon);
            }

            optimizer.Step();
        }

        Assert.Equal(5, optimizer.StepCount);
        AssertClose(reference[0].Values, weights.Value);
        AssertClose(reference[1].Values, bias.Value);
    }

    [Fact]
    public void Step_FirstStep_MovesEachWeightByLearningRateAgainstGradientSign()
    {
        var parameter = new Parameter("b", [1f, -2f, 0.5f], applyWeightDecay: false);
        float[] gradient = [3f, -0.001f, 0f];
        gradient.CopyTo(parameter.Gradient, 0);
        var optimizer = new AdamWOptimizer([parameter], learningRate: 0.1f, weightDecay: 0f);

        optimizer.Step();

        // Bias-corrected m̂ = g and v̂ = g², so the first step is lr · g / (|g| + ε).
        Assert.Equal(0.9f, parameter.Value[0], 5);
        Assert.Equal(-1.9f, parameter.Value[1], 4);
        Assert.Equal(0.5f, parameter.Value[2]);
    }

    [Fact]
    public void Step_ZeroGradient_DecaysOnlyParametersWithWeightDecay()
    {
        var weights = new Parameter("w", [2f, -4f], applyWeightDecay: true);
        var bias = new Parameter("b", [2f, -4f], applyWeightDecay: false);
        var optimizer = new AdamWOptimizer([weights, bias], learningRate: 0.1f, weightDecay: 0.5f);

        optimizer.Step();

        // Decoupled decay: θ · (1 − lr · λ) = θ · 0.95, independent of the (zero) gradient.
        Assert.Equal([1.9f, -3.8f], weights.Value.Select(v => MathF.Round(v, 5)));
        Assert.Equal([2f, -4f], bias.Value);
    }

    [Fact]
    public void Step_RepeatedOnQuadratic_ConvergesToMinimum()
    {
        float[] target = [3f, -1f, 0.25f];
        var parameter = new Parameter("x", new float[3], applyWeightDecay: false);
        var optimizer = new AdamWOptimizer([parameter], learningRate: 0.05f, weightDecay: 0f);

        for (var step = 0; step < 2000; step++)
        {
            for (var i = 0; i < target.Length; i++)
            {
                parameter.Gradient[i] = 2 * (parameter.Value[i] - target[i]);
            }

            optimizer.Step();
        }

        for (var i = 0; i < target.Length; i++)
        {
            Assert.Equal(target[i], parameter.Value[i], 2);
        }
    }

    [Fact]
    public void ZeroGradients_ClearsEveryGradient()
    {
        var parameter = new Parameter("x", new float[4], applyWeightDecay: true);
        parameter.Gradient.AsSpan().Fill(1f);
        var optimizer = new AdamWOptimizer([parameter], 0.1f, 0f);

        optimizer.ZeroGradients();

        Assert.All(parameter.Gradient, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Constructor_InvalidSettings_Throw()
    {
        var parameter = new Parameter("x", new float[1], applyWeightDecay: true);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamWOptimizer([parameter], 0f, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamWOptimizer([parameter], 0.1f, -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamWOptimizer([parameter], 0.1f, 0f, beta1: 1f));
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 + (1e-5 * Math.Abs(expected[i])), $"Element {i}: expected {expected[i]}, got {actual[i]}.");
        }
    }
}
