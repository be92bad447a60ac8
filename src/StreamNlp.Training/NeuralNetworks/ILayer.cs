namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// One layer of a feed-forward network over mini-batches stored row-major: <c>rows × InputSize</c> in,
/// <c>rows × OutputSize</c> out. Buffers may be longer than the rows used. Inference-mode <see cref="Forward"/>
/// changes no state, so one model may serve several threads; training-mode calls must not overlap.
/// </summary>
public interface ILayer
{
    int InputSize { get; }

    int OutputSize { get; }

    /// <summary>The trainable parameters (none for activations and dropout).</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Computes <paramref name="output"/> from <paramref name="input"/> for the first <paramref name="rows"/> rows.</summary>
    /// <param name="training">True while training (dropout active); false for inference.</param>
    void Forward(float[] input, float[] output, int rows, bool training);

    /// <summary>
    /// Given the loss gradient with respect to the output of the last training forward pass, adds the gradients of
    /// the parameters to <see cref="Parameter.Gradient"/> and, unless <paramref name="inputGradient"/> is null,
    /// writes (overwrites) the gradient with respect to the input.
    /// </summary>
    void Backward(float[] input, float[] output, float[] outputGradient, float[]? inputGradient, int rows);

    /// <summary>A deep copy (parameters copied, gradients zero).</summary>
    ILayer Clone();
}
