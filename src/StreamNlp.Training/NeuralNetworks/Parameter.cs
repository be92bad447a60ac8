namespace StreamNlp.Training.NeuralNetworks;

/// <summary>A trainable array of weights with its gradient (same length) accumulated by backward passes.</summary>
public sealed class Parameter
{
    /// <param name="name">A name for reports and export, e.g. <c>dense0.weight</c>.</param>
    /// <param name="value">The values; kept, not copied.</param>
    /// <param name="applyWeightDecay">Whether decoupled weight decay shrinks this parameter (weights yes, biases no).</param>
    public Parameter(string name, float[] value, bool applyWeightDecay)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
        Gradient = new float[value.Length];
        ApplyWeightDecay = applyWeightDecay;
    }

    public string Name { get; }

    public float[] Value { get; }

    public float[] Gradient { get; }

    public bool ApplyWeightDecay { get; }

    public int Length => Value.Length;

    public void ZeroGradient() => Array.Clear(Gradient);

    /// <summary>A copy with the same values and a zero gradient.</summary>
    public Parameter Clone() => new(Name, (float[])Value.Clone(), ApplyWeightDecay);
}
