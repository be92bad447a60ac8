using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.UnitTests.Training.NeuralNetworks;

/// <summary>
/// Every layer's and the loss's analytic gradient against central finite differences, on small random inputs.
/// Layer checks use the scalar loss <c>L = Σ r ⊙ output</c> with random <c>r</c>, so <c>dL/doutput = r</c>.
/// </summary>
public sealed class GradientCheckTests
{
    private const int Rows = 3;

    [Fact]
    public void DenseLayer_WeightBiasAndInputGradients_MatchFiniteDifferences()
    {
        var random = new Random(1);
        var layer = new DenseLayer(5, 4, GradientChecker.RandomValues(random, 20), GradientChecker.RandomValues(random, 4));
        var input = GradientChecker.RandomValues(random, Rows * 5);
        var outputWeights = GradientChecker.RandomValues(random, Rows * 4);
        var output = new float[Rows * 4];
        var inputGradient = new float[Rows * 5];

        double Loss()
        {
            layer.Forward(input, output, Rows, training: true);
            return GradientChecker.WeightedSum(output, outputWeights, output.Length);
        }

        Loss();
        layer.Backward(input, output, outputWeights, inputGradient, Rows);

        GradientChecker.Check("weights", layer.Weights.Value, layer.Weights.Gradient, Loss);
        GradientChecker.Check("bias", layer.Bias.Value, layer.Bias.Gradient, Loss);
        GradientChecker.Check("input", input, inputGradient, Loss);
    }

    [Fact]
    public void DenseLayer_BlockedKernelSizes_MatchFiniteDifferences()
    {
        // 9 rows × 11 outputs × 21 inputs runs the 4×4 blocks, their leftovers, and the scalar tails.
        var random = new Random(2);
        const int rows = 9, inputs = 21, outputs = 11;
        var layer = new DenseLayer(inputs, outputs, GradientChecker.RandomValues(random, inputs * outputs), GradientChecker.RandomValues(random, outputs));
        var input = GradientChecker.RandomValues(random, rows * inputs);
        var outputWeights = GradientChecker.RandomValues(random, rows * outputs);
        var output = new float[rows * outputs];
        var inputGradient = new float[rows * inputs];

        double Loss()
        {
            layer.Forward(input, output, rows, training: true);
            return GradientChecker.WeightedSum(output, outputWeights, output.Length);
        }

        Loss();
        layer.Backward(input, output, outputWeights, inputGradient, rows);

        GradientChecker.Check("weights", layer.Weights.Value, layer.Weights.Gradient, Loss);
        GradientChecker.Check("input", input, inputGradient, Loss);
    }

    [Fact]
    public void ReluLayer_InputGradient_MatchesFiniteDifferences()
    {
        var random = new Random(3);
        var layer = new ReluLayer(13);
        var input = GradientChecker.RandomValues(random, Rows * 13, gap: 0.05);
        var outputWeights = GradientChecker.RandomValues(random, Rows * 13);
        var output = new float[input.Length];
        var inputGradient = new float[input.Length];

        double Loss()
        {
            layer.Forward(input, output, Rows, training: true);
            return GradientChecker.WeightedSum(output, outputWeights, output.Length);
        }

        Loss();
        layer.Backward(input, output, outputWeights, inputGradient, Rows);

        GradientChecker.Check("input", input, inputGradient, Loss);
        Assert.Contains(inputGradient, g => g == 0f);
        Assert.Contains(inputGradient, g => g != 0f);
    }

    [Fact]
    public void DropoutLayer_WithFixedMask_InputGradientMatchesFiniteDifferences()
    {
        var random = new Random(4);
        var layer = new DropoutLayer(10, 0.4f, new SeededRandom(7));
        var input = GradientChecker.RandomValues(random, Rows * 10);
        var outputWeights = GradientChecker.RandomValues(random, Rows * 10);
        var output = new float[input.Length];
        var inputGradient = new float[input.Length];

        double Loss()
        {
            layer.Random = new SeededRandom(7); // the same mask for every evaluation
            layer.Forward(input, output, Rows, training: true);
            return GradientChecker.WeightedSum(output, outputWeights, output.Length);
        }

        Loss();
        layer.Backward(input, output, outputWeights, inputGradient, Rows);

        GradientChecker.Check("input", input, inputGradient, Loss);
        Assert.Contains(output, v => v == 0f);
        Assert.Contains(inputGradient, g => Math.Abs(g) > 0f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SoftmaxCrossEntropy_LogitGradient_MatchesFiniteDifferences(bool weighted)
    {
        var random = new Random(5);
        const int rows = 4, classes = 5;
        var logits = GradientChecker.RandomValues(random, rows * classes);
        int[] labels = [0, 3, 4, 3];
        float[] classWeights = weighted ? [0.5f, 1f, 2f, 1.5f, 0.25f] : [];
        var probabilities = new float[rows * classes];
        var gradient = new float[rows * classes];

        double Loss() => SoftmaxCrossEntropy.Compute(logits, labels, rows, classes, classWeights, probabilities, []);

        SoftmaxCrossEntropy.Compute(logits, labels, rows, classes, classWeights, probabilities, gradient);

        GradientChecker.Check("logits", logits, gradient, Loss, step: 1e-2f, absolute: 2e-4, relative: 1e-2);
    }

    [Fact]
    public void SoftmaxCrossEntropy_KnownValues()
    {
        // logits [0, ln 3] → p = [1/4, 3/4]; label 1 → loss −ln(3/4); label 0 → −ln(1/4).
        float[] logits = [0f, MathF.Log(3f), 0f, MathF.Log(3f)];
        var probabilities = new float[4];
        var gradient = new float[4];

        var loss = SoftmaxCrossEntropy.Compute(logits, [1, 0], 2, 2, [], probabilities, gradient);

        Assert.Equal((-Math.Log(0.75) - Math.Log(0.25)) / 2, loss, 5);
        Assert.Equal([0.25f, 0.75f, 0.25f, 0.75f], probabilities.Select(p => MathF.Round(p, 5)));
        Assert.Equal([0.125f, -0.125f, -0.375f, 0.375f], gradient.Select(g => MathF.Round(g, 5)));

        var weighted = SoftmaxCrossEntropy.Compute(logits, [1, 0], 2, 2, [3f, 1f], probabilities, gradient);
        Assert.Equal(((-3 * Math.Log(0.25)) - Math.Log(0.75)) / 4, weighted, 5);
    }

    [Fact]
    public void SoftmaxCrossEntropy_HugeLogits_StayFinite()
    {
        float[] logits = [1000f, -1000f, 999f];
        var probabilities = new float[3];
        var gradient = new float[3];

        var loss = SoftmaxCrossEntropy.Compute(logits, [2], 1, 3, [], probabilities, gradient);

        Assert.True(double.IsFinite(loss));
        Assert.Equal(1 + Math.Log(1 + Math.Exp(-1)), loss, 4);
        Assert.All(probabilities, p => Assert.True(float.IsFinite(p)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DenseClassifierBackprop_WholeNetwork_ParameterGradientsMatchFiniteDifferences(bool dropoutActive)
    {
        var random = new Random(6);
        var model = DenseClassifier.Create(6, [5, 4], 3, dropout: 0.3f, new SeededRandom(11));
        const int rows = 5;
        var features = GradientChecker.RandomValues(random, rows * 6);
        int[] labels = [0, 2, 1, 2, 0];
        float[] classWeights = [1f, 2f, 0.5f];
        var backprop = new DenseClassifierBackprop(model, rows);

        // Biases start at zero; a row whose inputs to a layer are all zero (all ReLUs off or dropped) would then sit
        // exactly on a ReLU kink, where finite differences are one-sided. Random biases keep every unit off the kink.
        foreach (var bias in model.Parameters.Where(p => !p.ApplyWeightDecay))
        {
            GradientChecker.RandomValues(random, bias.Length, gap: 0.1).CopyTo(bias.Value, 0);
        }

        double Loss()
        {
            var seed = 100UL;
            foreach (var dropout in model.Layers.OfType<DropoutLayer>())
            {
                dropout.Random = new SeededRandom(seed++);
            }

            return backprop.Run(features, labels, rows, classWeights, dropoutActive);
        }

        Loss();
        var analytic = model.Parameters.Select(p => (float[])p.Gradient.Clone()).ToArray();

        Assert.Equal(6, model.Parameters.Count);
        for (var i = 0; i < model.Parameters.Count; i++)
        {
            GradientChecker.Check(model.Parameters[i].Name, model.Parameters[i].Value, analytic[i], Loss, step: 2e-3f, absolute: 5e-4, relative: 2e-2);
        }
    }
}
