using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;

namespace StreamNlp.UnitTests.Training.NeuralNetworks.Attention;

/// <summary>
/// The whole <see cref="AttentionSequenceHead"/>'s loss gradient (token projection, attention, mean and max pooling,
/// classifier) against central finite differences, on sequences of different lengths.
/// </summary>
public sealed class AttentionSequenceHeadGradientTests
{
    private const int HiddenSize = 6;
    private const int Classes = 3;

    /// <summary>
    /// Smaller than the checker's default: a step of 1e-2 moves some token-projection pre-activations across the
    /// ReLU kink (or swaps a max-pooling winner), where a finite difference is no derivative.
    /// </summary>
    private const float Step = 1e-3f;

    public static TheoryData<string> Shapes => ["projection-additive-mean-max-mlp", "additive-linear", "dot-mean-max-mlp", "projection-mean-max-linear", "projection-dot-mlp"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void LossGradient_OfEveryParameter_MatchesFiniteDifferences(string shape)
    {
        var options = Options(shape);
        var head = AttentionSequenceHead.Create(HiddenSize, Classes, options, new SeededRandom(11));
        var data = RandomSequences([3, 1, 5, 2], seed: 12);
        int[] batch = [0, 1, 2, 3];
        var backprop = new AttentionSequenceHeadBackprop(head);

        double Loss() => backprop.Run(data, batch, [], training: false);

        Loss();
        var analytic = head.Parameters.Select(p => p.Gradient.ToArray()).ToArray();
        for (var i = 0; i < head.Parameters.Count; i++)
        {
            var parameter = head.Parameters[i];
            GradientChecker.Check($"{shape}:{parameter.Name}", parameter.Value, analytic[i], Loss, step: Step);
        }
    }

    [Fact]
    public void LossGradient_WithDropoutMasksHeldFixed_AndClassWeights_MatchesFiniteDifferences()
    {
        var options = Options("projection-additive-mean-max-mlp") with { Dropout = 0.3f, TokenDropout = 0.2f, PooledDropout = 0.25f };
        var head = AttentionSequenceHead.Create(HiddenSize, Classes, options, new SeededRandom(13));
        var data = RandomSequences([2, 4, 1, 3, 2], seed: 14);
        int[] batch = [4, 2, 0, 3];
        float[] classWeights = [0.5f, 2f, 1f];
        var dropouts = new[] { head.TokenDropout!, head.PooledDropout! }.Concat(head.Classifier.Layers.OfType<DropoutLayer>()).ToArray();
        var generators = dropouts.Select(d => d.Random.Clone()).ToArray();
        var backprop = new AttentionSequenceHeadBackprop(head);

        double Loss()
        {
            for (var i = 0; i < dropouts.Length; i++)
            {
                dropouts[i].Random = generators[i].Clone();
            }

            return backprop.Run(data, batch, classWeights, training: true);
        }

        Loss();
        var analytic = head.Parameters.Select(p => p.Gradient.ToArray()).ToArray();
        for (var i = 0; i < head.Parameters.Count; i++)
        {
            GradientChecker.Check(head.Parameters[i].Name, head.Parameters[i].Value, analytic[i], Loss, step: Step);
        }
    }

    [Fact]
    public void PredictProbabilities_OneSequence_EqualsBatchPrediction_AndSumsToOne()
    {
        var head = AttentionSequenceHead.Create(HiddenSize, Classes, Options("projection-additive-mean-max-mlp"), new SeededRandom(15));
        var data = RandomSequences([3, 1, 5, 2], seed: 16);

        var batched = head.PredictProbabilities(data);

        for (var i = 0; i < data.Count; i++)
        {
            var alone = head.PredictProbabilities(data.StatesOf(i), data.Length(i));
            Assert.Equal(batched.AsSpan(i * Classes, Classes).ToArray(), alone);
            Assert.Equal(1.0, alone.Sum(), 5);
        }
    }

    [Fact]
    public void Create_WithoutAnyPooling_Throws()
    {
        var options = new AttentionSequenceHeadOptions { AttentionHeads = 0, MeanPooling = false, MaxPooling = false };

        Assert.Throws<ArgumentException>(() => AttentionSequenceHead.Create(HiddenSize, Classes, options, new SeededRandom(1)));
    }

    /// <summary>Sequences with N(0, 1) states and labels <c>i mod Classes</c>.</summary>
    internal static SequenceSet RandomSequences(int[] lengths, int seed, int hiddenSize = HiddenSize, int classes = Classes)
    {
        var random = new Random(seed);
        var offsets = new int[lengths.Length + 1];
        for (var i = 0; i < lengths.Length; i++)
        {
            offsets[i + 1] = offsets[i] + lengths[i];
        }

        var states = GradientChecker.RandomValues(random, offsets[^1] * hiddenSize);
        var labels = Enumerable.Range(0, lengths.Length).Select(i => i % classes).ToArray();
        return new SequenceSet(states, offsets, hiddenSize, labels, classes);
    }

    private static AttentionSequenceHeadOptions Options(string shape) => shape switch
    {
        "projection-additive-mean-max-mlp" => new() { TokenProjectionSize = 5, AttentionHeads = 2, AttentionSize = 4, HiddenSizes = [7], Dropout = 0f },
        "additive-linear" => new() { TokenProjectionSize = 0, AttentionHeads = 3, AttentionSize = 4, MeanPooling = false, MaxPooling = false, HiddenSizes = [] },
        "dot-mean-max-mlp" => new() { TokenProjectionSize = 0, AttentionHeads = 2, Scoring = AttentionScoring.DotProduct, HiddenSizes = [7], Dropout = 0f },
        "projection-mean-max-linear" => new() { TokenProjectionSize = 5, AttentionHeads = 0, HiddenSizes = [] },
        "projection-dot-mlp" => new() { TokenProjectionSize = 5, AttentionHeads = 1, Scoring = AttentionScoring.DotProduct, MeanPooling = false, MaxPooling = false, HiddenSizes = [7], Dropout = 0f },
        _ => throw new ArgumentException(shape, nameof(shape)),
    };
}
