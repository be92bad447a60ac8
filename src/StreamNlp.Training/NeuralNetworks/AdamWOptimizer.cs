using System.Numerics;

namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov &amp; Hutter), as PyTorch's <c>AdamW</c>: per step t,
/// <c>θ ← θ·(1 − lr·λ)</c> (only parameters with <see cref="Parameter.ApplyWeightDecay"/>), then
/// <c>m ← β1·m + (1−β1)·g</c>, <c>v ← β2·v + (1−β2)·g²</c>,
/// <c>θ ← θ − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)</c>.
/// </summary>
public sealed class AdamWOptimizer
{
    /// <summary>Elements updated per parallel work item.</summary>
    private const int ChunkLength = 16_384;

    private readonly Parameter[] parameters;
    private readonly float[][] firstMoments;
    private readonly float[][] secondMoments;

    public AdamWOptimizer(
        IEnumerable<Parameter> parameters,
        float learningRate,
        float weightDecay,
        float beta1 = 0.9f,
        float beta2 = 0.999f,
        float epsilon = 1e-8f)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(learningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        if (!(beta1 is >= 0f and < 1f) || !(beta2 is >= 0f and < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), "β1 and β2 must be in [0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        this.parameters = [.. parameters];
        firstMoments = [.. this.parameters.Select(p => new float[p.Length])];
        secondMoments = [.. this.parameters.Select(p => new float[p.Length])];
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>The step size; may be changed between steps (e.g. by a schedule).</summary>
    public float LearningRate { get; set; }

    public float WeightDecay { get; }

    public float Beta1 { get; }

    public float Beta2 { get; }

    public float Epsilon { get; }

    /// <summary>Number of steps taken.</summary>
    public int StepCount { get; private set; }

    /// <summary>Updates every parameter from its current gradient.</summary>
    public void Step()
    {
        StepCount++;
        var biasCorrection1 = 1.0 - Math.Pow(Beta1, StepCount);
        var biasCorrection2 = 1.0 - Math.Pow(Beta2, StepCount);
        var coefficients = new AdamWStepCoefficients(
            Beta1,
            Beta2,
            StepSize: (float)(LearningRate / biasCorrection1),
            InverseSqrtCorrection2: (float)(1.0 / Math.Sqrt(biasCorrection2)),
            Epsilon,
            DecayFactor: 1f);
        var decayed = coefficients with { DecayFactor = 1f - (LearningRate * WeightDecay) };

        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            var c = parameter.ApplyWeightDecay ? decayed : coefficients;
            var m = firstMoments[i];
            var v = secondMoments[i];
            var chunks = (parameter.Length + ChunkLength - 1) / ChunkLength;
            ParallelRows.For(chunks, ChunkLength, chunk =>
            {
                var start = chunk * ChunkLength;
                var length = Math.Min(ChunkLength, parameter.Length - start);
                Update(
                    parameter.Value.AsSpan(start, length),
                    parameter.Gradient.AsSpan(start, length),
                    m.AsSpan(start, length),
                    v.AsSpan(start, length),
                    c);
            });
        }
    }

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGradients()
    {
        foreach (var parameter in parameters)
        {
            parameter.ZeroGradient();
        }
    }

    /// <summary>One fused pass over a chunk: decay, both moments, and the bias-corrected step.</summary>
    private static void Update(Span<float> value, ReadOnlySpan<float> gradient, Span<float> m, Span<float> v, AdamWStepCoefficients c)
    {
        var oneMinusBeta1 = 1f - c.Beta1;
        var oneMinusBeta2 = 1f - c.Beta2;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var beta1 = new Vector<float>(c.Beta1);
            var beta2 = new Vector<float>(c.Beta2);
            var gain1 = new Vector<float>(oneMinusBeta1);
            var gain2 = new Vector<float>(oneMinusBeta2);
            var decay = new Vector<float>(c.DecayFactor);
            var step = new Vector<float>(c.StepSize);
            var correction = new Vector<float>(c.InverseSqrtCorrection2);
            var epsilon = new Vector<float>(c.Epsilon);
            for (; i + Vector<float>.Count <= value.Length; i += Vector<float>.Count)
            {
                var g = new Vector<float>(gradient[i..]);
                var mi = (beta1 * new Vector<float>(m[i..])) + (gain1 * g);
                var vi = (beta2 * new Vector<float>(v[i..])) + (gain2 * g * g);
                var theta = (decay * new Vector<float>(value[i..])) - (step * mi / ((Vector.SquareRoot(vi) * correction) + epsilon));
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                theta.CopyTo(value[i..]);
            }
        }

        for (; i < value.Length; i++)
        {
            var g = gradient[i];
            m[i] = (c.Beta1 * m[i]) + (oneMinusBeta1 * g);
            v[i] = (c.Beta2 * v[i]) + (oneMinusBeta2 * g * g);
            value[i] = (c.DecayFactor * value[i]) - (c.StepSize * m[i] / ((MathF.Sqrt(v[i]) * c.InverseSqrtCorrection2) + c.Epsilon));
        }
    }
}
