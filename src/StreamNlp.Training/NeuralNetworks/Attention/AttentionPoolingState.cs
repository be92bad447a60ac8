namespace StreamNlp.Training.NeuralNetworks.Attention;

/// <summary>
/// What one <see cref="AttentionPoolingLayer.Forward"/> call leaves for its backward pass: the tanh activations of
/// the additive scorer and the attention weights. Buffers grow as needed and are reused; one state per concurrent
/// caller.
/// </summary>
public sealed class AttentionPoolingState
{
    /// <summary><c>tanh(W·x_t + b)</c> per position, <c>positions × AttentionSize</c> (additive scoring only).</summary>
    public float[] Activations { get; private set; } = [];

    /// <summary>Scores, then (after the softmax) attention weights, <c>positions × Heads</c>.</summary>
    public float[] Weights { get; private set; } = [];

    /// <summary>Gradient of the loss with respect to the scores, <c>positions × Heads</c> (backward only).</summary>
    internal float[] ScoreGradients { get; private set; } = [];

    /// <summary>Gradient with respect to the additive pre-activations, <c>positions × AttentionSize</c> (backward only).</summary>
    internal float[] ActivationGradients { get; private set; } = [];

    /// <summary>Gradient reaching the values through the scorer, <c>positions × InputSize</c> (backward only).</summary>
    internal float[] ScorerInputGradients { get; private set; } = [];

    internal void EnsureForward(int positions, int heads, int attentionSize)
    {
        Activations = Grow(Activations, positions * attentionSize);
        Weights = Grow(Weights, positions * heads);
    }

    internal void EnsureBackward(int positions, int heads, int attentionSize, int inputSize)
    {
        ScoreGradients = Grow(ScoreGradients, positions * heads);
        ActivationGradients = Grow(ActivationGradients, positions * attentionSize);
        ScorerInputGradients = Grow(ScorerInputGradients, positions * inputSize);
    }

    private static float[] Grow(float[] buffer, int length) => buffer.Length >= length ? buffer : new float[Math.Max(length, buffer.Length * 3 / 2)];
}
