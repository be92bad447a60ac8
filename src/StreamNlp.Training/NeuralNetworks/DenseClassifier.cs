using System.Numerics.Tensors;

namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// A feed-forward classifier over fixed-size feature vectors: [dense → ReLU → dropout] per hidden layer, then a
/// dense layer to one logit per class, then softmax. With no hidden layers it is multinomial logistic
/// (softmax) regression. Prediction runs in inference mode (no dropout) and is safe to call from several threads.
/// </summary>
public sealed class DenseClassifier : ITrainableModel<DenseClassifier>
{
    /// <summary>Rows pushed through the network at a time by the batch methods.</summary>
    private const int InferenceChunkRows = 256;

    private readonly ILayer[] layers;
    private readonly int widestLayer;

    /// <summary>A classifier made of <paramref name="layers"/>, applied in order; the last one's outputs are the logits.</summary>
    /// <exception cref="ArgumentException">No layers, or one layer's input size differs from the previous output size.</exception>
    public DenseClassifier(IEnumerable<ILayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        this.layers = [.. layers];
        if (this.layers.Length == 0)
        {
            throw new ArgumentException("A classifier needs at least one layer.", nameof(layers));
        }

        for (var i = 1; i < this.layers.Length; i++)
        {
            if (this.layers[i].InputSize != this.layers[i - 1].OutputSize)
            {
                throw new ArgumentException(
                    $"Layer {i} takes {this.layers[i].InputSize} inputs but layer {i - 1} gives {this.layers[i - 1].OutputSize}.",
                    nameof(layers));
            }
        }

        InputDimension = this.layers[0].InputSize;
        ClassCount = this.layers[^1].OutputSize;
        widestLayer = this.layers.Max(l => Math.Max(l.InputSize, l.OutputSize));
        var dense = this.layers.OfType<DenseLayer>().ToArray();
        HiddenSizes = [.. dense.Take(dense.Length - 1).Select(d => d.OutputSize)];
        Parameters = [.. this.layers.SelectMany(l => l.Parameters)];
    }

    /// <summary>Length of one feature vector.</summary>
    public int InputDimension { get; }

    /// <summary>Number of classes (outputs).</summary>
    public int ClassCount { get; }

    /// <summary>Output sizes of the hidden dense layers; empty for softmax regression.</summary>
    public IReadOnlyList<int> HiddenSizes { get; }

    public IReadOnlyList<ILayer> Layers => layers;

    /// <summary>Every trainable parameter, layer by layer.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// A freshly initialised classifier: for each positive entry of <paramref name="hiddenSizes"/> a dense layer,
    /// a ReLU and (when <paramref name="dropout"/> &gt; 0) a dropout layer; then the output dense layer.
    /// Zeros in <paramref name="hiddenSizes"/> are ignored, so <c>[0]</c> means softmax regression.
    /// </summary>
    public static DenseClassifier Create(
        int inputDimension, IReadOnlyList<int> hiddenSizes, int classCount, float dropout, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputDimension);
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentNullException.ThrowIfNull(random);
        var layers = new List<ILayer>();
        var width = inputDimension;
        var index = 0;
        foreach (var hidden in hiddenSizes)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(hidden, nameof(hiddenSizes));
            if (hidden == 0)
            {
                continue;
            }

            layers.Add(DenseLayer.CreateRandom(width, hidden, reluFollows: true, random, $"dense{index++}"));
            layers.Add(new ReluLayer(hidden));
            if (dropout > 0f)
            {
                layers.Add(new DropoutLayer(hidden, dropout, random.Fork()));
            }

            width = hidden;
        }

        layers.Add(DenseLayer.CreateRandom(width, classCount, reluFollows: false, random, $"dense{index}"));
        return new DenseClassifier(layers);
    }

    /// <summary>Class probabilities for one feature vector.</summary>
    public float[] PredictProbabilities(ReadOnlySpan<float> features) => PredictProbabilities(features, 1);

    /// <summary>Class probabilities (<c>rows × ClassCount</c>, row-major) for <paramref name="rows"/> feature vectors.</summary>
    public float[] PredictProbabilities(ReadOnlySpan<float> features, int rows)
    {
        var result = ComputeLogits(features, rows);
        SoftmaxCrossEntropy.Softmax(result, result, rows, ClassCount);
        return result;
    }

    /// <summary>The most probable class of one feature vector.</summary>
    public int Predict(ReadOnlySpan<float> features) => TensorPrimitives.IndexOfMax(ComputeLogits(features, 1));

    /// <summary>The most probable class of each of <paramref name="rows"/> feature vectors.</summary>
    public int[] Predict(ReadOnlySpan<float> features, int rows)
    {
        var logits = ComputeLogits(features, rows);
        var classes = new int[rows];
        for (var row = 0; row < rows; row++)
        {
            classes[row] = TensorPrimitives.IndexOfMax(logits.AsSpan(row * ClassCount, ClassCount));
        }

        return classes;
    }

    /// <summary>The logits (<c>rows × ClassCount</c>) of <paramref name="rows"/> feature vectors, in inference mode.</summary>
    public float[] ComputeLogits(ReadOnlySpan<float> features, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (features.Length != rows * InputDimension)
        {
            throw new ArgumentException(
                $"Expected {rows} × {InputDimension} = {rows * InputDimension} features, got {features.Length}.", nameof(features));
        }

        var logits = new float[rows * ClassCount];
        var chunkRows = Math.Min(rows, InferenceChunkRows);
        var current = new float[chunkRows * widestLayer];
        var next = new float[chunkRows * widestLayer];
        for (var start = 0; start < rows; start += chunkRows)
        {
            var count = Math.Min(chunkRows, rows - start);
            features.Slice(start * InputDimension, count * InputDimension).CopyTo(current);
            var buffer = current;
            var spare = next;
            foreach (var layer in layers)
            {
                layer.Forward(buffer, spare, count, training: false);
                (buffer, spare) = (spare, buffer);
            }

            buffer.AsSpan(0, count * ClassCount).CopyTo(logits.AsSpan(start * ClassCount));
        }

        return logits;
    }

    /// <summary>A deep copy: same weights, independent of later training.</summary>
    public DenseClassifier Clone() => new(layers.Select(l => l.Clone()));
}
