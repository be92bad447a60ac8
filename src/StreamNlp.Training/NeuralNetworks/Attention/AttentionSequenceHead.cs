using System.Numerics.Tensors;

namespace StreamNlp.Training.NeuralNetworks.Attention;

/// <summary>
/// A sentence classifier over the encoder state of every position of a text (not only their mean):
/// <list type="number">
/// <item>optionally a token projection, <c>u_t = ReLU(W·x_t + b)</c> at every position (dropout while training);</item>
/// <item>pooling over the positions: <see cref="AttentionPoolingLayer"/> heads, the mean, the element-wise
/// maximum, concatenated in that order;</item>
/// <item>a <see cref="DenseClassifier"/> on the pooled vector (dense → ReLU → dropout per hidden layer, then
/// dense to the logits), softmax.</item>
/// </list>
/// Prediction runs in inference mode (no dropout) and is safe to call from several threads.
/// </summary>
public sealed class AttentionSequenceHead : ITrainableModel<AttentionSequenceHead>
{
    /// <summary>Sequences pushed through the network at a time by the batch methods.</summary>
    private const int InferenceChunk = 256;

    /// <param name="hiddenSize">Width of the encoder states.</param>
    /// <param name="tokenProjection">Dense layer applied (then ReLU) to every position, <c>hiddenSize → TokenSize</c>; null for none.</param>
    /// <param name="tokenDropout">Dropout on the token projection's outputs while training; null for none.</param>
    /// <param name="attention">Attention pooling over the (projected) positions; null for none.</param>
    /// <param name="meanPooling">Whether the masked mean is pooled too.</param>
    /// <param name="maxPooling">Whether the masked element-wise maximum is pooled too.</param>
    /// <param name="pooledDropout">Dropout on the pooled vector while training; null for none.</param>
    /// <param name="classifier">The classifier on the pooled vector; its input size must be <see cref="PooledSize"/>.</param>
    public AttentionSequenceHead(
        int hiddenSize,
        DenseLayer? tokenProjection,
        DropoutLayer? tokenDropout,
        AttentionPoolingLayer? attention,
        bool meanPooling,
        bool maxPooling,
        DropoutLayer? pooledDropout,
        DenseClassifier classifier)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentNullException.ThrowIfNull(classifier);
        if (tokenProjection is not null && tokenProjection.InputSize != hiddenSize)
        {
            throw new ArgumentException($"The token projection takes {tokenProjection.InputSize} inputs, not {hiddenSize}.", nameof(tokenProjection));
        }

        if (tokenDropout is not null && tokenProjection is null)
        {
            throw new ArgumentException("Token dropout needs a token projection.", nameof(tokenDropout));
        }

        var tokenSize = tokenProjection?.OutputSize ?? hiddenSize;
        if (tokenDropout is not null && tokenDropout.InputSize != tokenSize)
        {
            throw new ArgumentException($"The token dropout takes {tokenDropout.InputSize} values, not {tokenSize}.", nameof(tokenDropout));
        }

        if (attention is not null && attention.InputSize != tokenSize)
        {
            throw new ArgumentException($"The attention pools {attention.InputSize}-wide vectors, not {tokenSize}.", nameof(attention));
        }

        var pooledSize = (attention?.OutputSize ?? 0) + (meanPooling ? tokenSize : 0) + (maxPooling ? tokenSize : 0);
        if (pooledSize == 0)
        {
            throw new ArgumentException("Nothing pools the positions: give attention, mean or max pooling.", nameof(attention));
        }

        if (pooledDropout is not null && pooledDropout.InputSize != pooledSize)
        {
            throw new ArgumentException($"The pooled dropout takes {pooledDropout.InputSize} values, not {pooledSize}.", nameof(pooledDropout));
        }

        if (classifier.InputDimension != pooledSize)
        {
            throw new ArgumentException($"The classifier takes {classifier.InputDimension} features but pooling gives {pooledSize}.", nameof(classifier));
        }

        HiddenSize = hiddenSize;
        TokenProjection = tokenProjection;
        TokenDropout = tokenDropout;
        Attention = attention;
        MeanPooling = meanPooling;
        MaxPooling = maxPooling;
        PooledDropout = pooledDropout;
        Classifier = classifier;
        TokenSize = tokenSize;
        PooledSize = pooledSize;
        Parameters = [.. tokenProjection?.Parameters ?? [], .. attention?.Parameters ?? [], .. classifier.Parameters];
    }

    /// <summary>Width of the encoder states the head reads.</summary>
    public int HiddenSize { get; }

    public DenseLayer? TokenProjection { get; }

    public DropoutLayer? TokenDropout { get; }

    public AttentionPoolingLayer? Attention { get; }

    public bool MeanPooling { get; }

    public bool MaxPooling { get; }

    public DropoutLayer? PooledDropout { get; }

    public DenseClassifier Classifier { get; }

    /// <summary>Width of the vectors that are pooled: the token projection's size, else <see cref="HiddenSize"/>.</summary>
    public int TokenSize { get; }

    /// <summary>Width of the pooled sentence vector: attention heads × <see cref="TokenSize"/>, then mean, then max.</summary>
    public int PooledSize { get; }

    public int ClassCount => Classifier.ClassCount;

    /// <summary>Every trainable parameter: token projection, attention, classifier.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>A freshly initialised head shaped by <paramref name="options"/>.</summary>
    public static AttentionSequenceHead Create(int hiddenSize, int classCount, AttentionSequenceHeadOptions options, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        options.Validate();
        DenseLayer? projection = null;
        DropoutLayer? tokenDropout = null;
        var tokenSize = hiddenSize;
        if (options.TokenProjectionSize > 0)
        {
            tokenSize = options.TokenProjectionSize;
            projection = DenseLayer.CreateRandom(hiddenSize, tokenSize, reluFollows: true, random, "token_projection");
            if (options.TokenDropout > 0f)
            {
                tokenDropout = new DropoutLayer(tokenSize, options.TokenDropout, random.Fork());
            }
        }

        var attention = options.AttentionHeads > 0
            ? AttentionPoolingLayer.CreateRandom(tokenSize, options.AttentionHeads, options.Scoring, options.AttentionSize, random)
            : null;
        var pooledSize = (attention?.OutputSize ?? 0) + (options.MeanPooling ? tokenSize : 0) + (options.MaxPooling ? tokenSize : 0);
        var pooledDropout = options.PooledDropout > 0f ? new DropoutLayer(pooledSize, options.PooledDropout, random.Fork()) : null;
        var classifier = DenseClassifier.Create(pooledSize, options.HiddenSizes, classCount, options.Dropout, random);
        return new AttentionSequenceHead(hiddenSize, projection, tokenDropout, attention, options.MeanPooling, options.MaxPooling, pooledDropout, classifier);
    }

    /// <summary>Class probabilities of one sequence.</summary>
    /// <param name="states">Its encoder states, <c>length × HiddenSize</c>, row-major ([CLS] … [SEP], no padding).</param>
    /// <param name="length">Number of positions, at least 1.</param>
    public float[] PredictProbabilities(ReadOnlySpan<float> states, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (states.Length != length * HiddenSize)
        {
            throw new ArgumentException($"Expected {length} × {HiddenSize} = {length * HiddenSize} values, got {states.Length}.", nameof(states));
        }

        var pass = new AttentionSequenceHeadBackprop(this);
        var logits = pass.Forward(states, [0, length], 1, training: false);
        var probabilities = new float[ClassCount];
        SoftmaxCrossEntropy.Softmax(logits, probabilities, 1, ClassCount);
        return probabilities;
    }

    /// <summary>Class probabilities of every sequence of <paramref name="data"/>, <c>Count × ClassCount</c>, row-major.</summary>
    public float[] PredictProbabilities(SequenceSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.HiddenSize != HiddenSize)
        {
            throw new ArgumentException($"The sequences are {data.HiddenSize} wide, the head reads {HiddenSize}.", nameof(data));
        }

        var probabilities = new float[data.Count * ClassCount];
        var pass = new AttentionSequenceHeadBackprop(this);
        var offsets = new int[InferenceChunk + 1];
        for (var start = 0; start < data.Count; start += InferenceChunk)
        {
            var count = Math.Min(InferenceChunk, data.Count - start);
            var first = data.Offsets[start];
            for (var i = 0; i <= count; i++)
            {
                offsets[i] = data.Offsets[start + i] - first;
            }

            var states = data.States.AsSpan(first * HiddenSize, offsets[count] * HiddenSize);
            var logits = pass.Forward(states, offsets.AsSpan(0, count + 1), count, training: false);
            SoftmaxCrossEntropy.Softmax(logits, probabilities.AsSpan(start * ClassCount, count * ClassCount), count, ClassCount);
        }

        return probabilities;
    }

    /// <summary>The most probable class of every sequence of <paramref name="data"/>.</summary>
    public int[] Predict(SequenceSet data)
    {
        var probabilities = PredictProbabilities(data);
        var classes = new int[data.Count];
        for (var i = 0; i < classes.Length; i++)
        {
            classes[i] = TensorPrimitives.IndexOfMax(probabilities.AsSpan(i * ClassCount, ClassCount));
        }

        return classes;
    }

    /// <summary>A deep copy: same weights, independent of later training.</summary>
    public AttentionSequenceHead Clone() => new(
        HiddenSize,
        (DenseLayer?)TokenProjection?.Clone(),
        (DropoutLayer?)TokenDropout?.Clone(),
        Attention?.Clone(),
        MeanPooling,
        MaxPooling,
        (DropoutLayer?)PooledDropout?.Clone(),
        Classifier.Clone());

    /// <summary>A short description, e.g. <c>proj256 → attention 2×(additive 128) + mean + max → MLP 256 → 2</c>.</summary>
    public override string ToString()
    {
        var pools = new List<string>();
        if (Attention is not null)
        {
            pools.Add(Attention.Scoring == AttentionScoring.Additive
                ? $"attention {Attention.Heads}×(additive {Attention.AttentionSize})"
                : $"attention {Attention.Heads}×(dot product)");
        }

        if (MeanPooling)
        {
            pools.Add("mean");
        }

        if (MaxPooling)
        {
            pools.Add("max");
        }

        var projection = TokenProjection is null ? string.Empty : $"token projection {TokenSize} (ReLU) → ";
        var classifier = Classifier.HiddenSizes.Count == 0 ? "linear" : "MLP " + string.Join("→", Classifier.HiddenSizes) + " (ReLU)";
        return $"{projection}{string.Join(" + ", pools)} → {classifier} → {ClassCount}";
    }
}
