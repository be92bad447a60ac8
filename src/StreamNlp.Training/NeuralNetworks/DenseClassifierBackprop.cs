namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// Buffers and code for one forward and backward pass of a <see cref="DenseClassifier"/> over a mini-batch:
/// computes the softmax cross-entropy loss and leaves the gradients of every parameter in
/// <see cref="Parameter.Gradient"/>. Reuse one instance per model across batches; not thread-safe.
/// </summary>
public sealed class DenseClassifierBackprop
{
    private readonly DenseClassifier model;
    private readonly float[][] activations;
    private readonly float[][] activationGradients;
    private readonly float[] probabilities;

    public DenseClassifierBackprop(DenseClassifier model, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        this.model = model;
        MaxRows = maxRows;
        var layers = model.Layers;
        activations = new float[layers.Count + 1][];
        activationGradients = new float[layers.Count + 1][];
        activations[0] = new float[maxRows * model.InputDimension];
        for (var i = 0; i < layers.Count; i++)
        {
            activations[i + 1] = new float[maxRows * layers[i].OutputSize];
            activationGradients[i + 1] = new float[maxRows * layers[i].OutputSize];
        }

        probabilities = new float[maxRows * model.ClassCount];
    }

    /// <summary>The largest batch this instance takes.</summary>
    public int MaxRows { get; }

    /// <summary>Softmax outputs of the last pass, <c>rows × ClassCount</c> (longer buffer; rows beyond are stale).</summary>
    public ReadOnlySpan<float> Probabilities => probabilities;

    /// <summary>
    /// Sets every parameter gradient to the gradient of the (weighted) mean cross-entropy of this batch and
    /// returns that loss.
    /// </summary>
    /// <param name="features"><paramref name="rows"/> × <c>InputDimension</c> features, row-major.</param>
    /// <param name="labels">One class index per row.</param>
    /// <param name="classWeights">One weight per class, or empty.</param>
    /// <param name="training">True applies dropout (training); false gives the inference-mode loss.</param>
    public double Run(ReadOnlySpan<float> features, ReadOnlySpan<int> labels, int rows, ReadOnlySpan<float> classWeights, bool training)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxRows);
        if (features.Length < rows * model.InputDimension || labels.Length < rows)
        {
            throw new ArgumentException("Fewer features or labels than rows.");
        }

        var layers = model.Layers;
        features[..(rows * model.InputDimension)].CopyTo(activations[0]);
        for (var i = 0; i < layers.Count; i++)
        {
            layers[i].Forward(activations[i], activations[i + 1], rows, training);
        }

        foreach (var parameter in model.Parameters)
        {
            parameter.ZeroGradient();
        }

        var loss = SoftmaxCrossEntropy.Compute(
            activations[^1], labels, rows, model.ClassCount, classWeights, probabilities, activationGradients[^1]);

        for (var i = layers.Count - 1; i >= 0; i--)
        {
            // The first layer's input is the data: its gradient is never needed.
            var inputGradient = i == 0 ? null : activationGradients[i];
            layers[i].Backward(activations[i], activations[i + 1], activationGradients[i + 1], inputGradient, rows);
        }

        return loss;
    }
}
