using StreamNlp.Models.Tokenization;
using StreamNlp.Training.EncoderAdaptation;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Workflows;

namespace StreamNlp.UnitTests.Training.EncoderAdaptation;

/// <summary>Joint adaptation on toy sequences: the tuned block learns what the frozen heads-only stage cannot.</summary>
public sealed class EncoderAdaptationTrainerTests
{
    private const int Hidden = 16;

    [Fact]
    public void TuningTheBlock_LiftsASentenceTaskAndATokenTask_ThatHeadsAloneCannotSolve()
    {
        // Sentence label: the sign of the sum over positions of a product of two features; token label: the sign of a
        // product of two other features at that position. Neither is linear in the inputs, so a linear head on the
        // frozen (random) block reads them poorly; tuning the block's feed-forward layer makes them readable.
        var random = new SeededRandom(11);
        (TokenStates States, int[] Labels, int[] TokenLabels) Make(int count)
        {
            var lengths = Enumerable.Range(0, count).Select(_ => 4 + random.NextInt(5)).ToArray();
            var offsets = new int[count + 1];
            for (var i = 0; i < count; i++)
            {
                offsets[i + 1] = offsets[i] + lengths[i];
            }

            var states = new float[offsets[^1] * Hidden];
            for (var i = 0; i < states.Length; i++)
            {
                states[i] = (float)random.NextGaussian();
            }

            var labels = Enumerable.Range(0, count).Select(i =>
                Enumerable.Range(offsets[i], lengths[i]).Sum(r => states[r * Hidden] * states[(r * Hidden) + 3]) > 0 ? 1 : 0).ToArray();
            var tokenLabels = Enumerable.Range(0, offsets[^1]).Select(r => states[(r * Hidden) + 1] * states[(r * Hidden) + 2] > 0 ? 1 : 0).ToArray();
            var texts = lengths.Select(l => new TokenizedText
            {
                Text = "x", Ids = new long[l], Starts = new int[l], Ends = new int[l], WordIndex = new int[l], Words = [], WordFirstToken = [], Truncated = false,
            }).ToArray();
            return (new TokenStates(texts, offsets, states, [], Hidden), labels, tokenLabels);
        }

        var train = Make(600);
        var dev = Make(200);
        var tasks = new[]
        {
            new AdaptationTask("first", AdaptationTaskKind.Sentence, ["no", "yes"], train.States, train.Labels, dev.States, dev.Labels),
            new AdaptationTask("product", AdaptationTaskKind.Token, ["no", "yes"], train.States, train.TokenLabels, dev.States, dev.TokenLabels),
        };
        var block = TransformerBlock.CreateRandom(Hidden, heads: 2, intermediate: 32, new SeededRandom(3));
        var options = new EncoderAdaptationOptions { Epochs = 12, BatchSize = 16, LearningRate = 3e-3f, HeadLearningRate = 1e-2f, HeadWarmupSteps = 150, MaxTrainTextsPerTask = 0 };
        var progress = new List<AdaptationProgress>();

        var result = new EncoderAdaptationTrainer(options).Train([block], tasks, new SynchronousProgress(progress.Add));

        Assert.Equal(12 * 2 * (600 / 16 + 1), result.Steps);
        Assert.Equal(result.Steps, progress[^1].Step);
        Assert.True(result.After["first"] > result.Before["first"] + 0.05, $"first: {result.Before["first"]:0.00} -> {result.After["first"]:0.00}, product: {result.Before["product"]:0.00} -> {result.After["product"]:0.00}");
        Assert.True(result.After["product"] > result.Before["product"] + 0.05, $"product: {result.Before["product"]:0.00} -> {result.After["product"]:0.00}");
    }

    private sealed class SynchronousProgress(Action<AdaptationProgress> report) : IProgress<AdaptationProgress>
    {
        public void Report(AdaptationProgress value) => report(value);
    }
}
