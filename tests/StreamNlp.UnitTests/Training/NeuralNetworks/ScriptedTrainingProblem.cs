using StreamNlp.Training.NeuralNetworks;

namespace StreamNlp.UnitTests.Training.NeuralNetworks;

/// <summary>
/// A one-weight "model" for <see cref="HeadTrainingLoop"/> tests: every batch's gradient is 1 (so each AdamW step moves
/// the weight by about the step size), and the problem records what the loop did: the batches, the weight before each
/// batch, and the first draw of each random stream it was given.
/// </summary>
internal sealed class ScriptedTrainingProblem(int examples) : ITrainingProblem<ScriptedModel>
{
    public int[] Examples { get; } = [.. Enumerable.Range(0, examples)];

    public bool HasDev => false;

    public List<int[]> Batches { get; } = [];

    public List<float> WeightBeforeBatch { get; } = [];

    public ulong ModelRandomDraw { get; private set; }

    public ulong DropoutRandomDraw { get; private set; }

    public ScriptedModel CreateModel(SeededRandom random)
    {
        ModelRandomDraw = random.NextUInt64();
        return new ScriptedModel(new Parameter("weight", [0f], applyWeightDecay: false));
    }

    public float[] BalancedClassWeights() => [];

    public (double Loss, double Accuracy) EvaluateDev(ScriptedModel model) => throw new InvalidOperationException("There is no dev set.");

    public BatchOutcome TrainBatch(ScriptedModel model, ReadOnlySpan<int> batch, float[] classWeights, SeededRandom dropoutRandom)
    {
        if (Batches.Count == 0)
        {
            DropoutRandomDraw = dropoutRandom.Clone().NextUInt64();
        }

        WeightBeforeBatch.Add(model.Weight.Value[0]);
        Batches.Add(batch.ToArray());
        model.Weight.Gradient[0] = 1f;
        return new BatchOutcome(1.0, batch.Length, batch.Length / 2);
    }
}
