namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>How the top encoder blocks are fine-tuned jointly on the tasks.</summary>
public sealed record EncoderAdaptationOptions
{
    /// <summary>How many top blocks are tuned; the rest stay frozen and are computed once per text by ONNX Runtime.</summary>
    public int TopBlocks { get; init; } = 1;

    public int Epochs { get; init; } = 2;

    /// <summary>Texts per step (all of one task).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>AdamW step of the encoder blocks (peak; linear warm-up over the first tenth of the block steps, then linear decay to 0).</summary>
    public float LearningRate { get; init; } = 5e-5f;

    /// <summary>AdamW step of the task heads used during adaptation.</summary>
    public float HeadLearningRate { get; init; } = 1e-3f;

    public float WeightDecay { get; init; } = 0.01f;

    /// <summary>Steps at the start that train only the task heads, so random heads do not push the encoder around.</summary>
    public int HeadWarmupSteps { get; init; } = 200;

    /// <summary>At most this many training texts per task, a seeded sample drawn by the workflow before encoding; 0 = all. The trainer trains on the texts it is given.</summary>
    public int MaxTrainTextsPerTask { get; init; } = 20_000;

    public int Seed { get; init; } = 42;
}
