namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>The initializer names of one encoder block: numbered <c>MatMul</c> weights by projection, PyTorch names for the rest.</summary>
public sealed record BlockInitializerNames(int Block, IReadOnlyDictionary<string, string> Weights)
{
    /// <summary><c>encoder.layer.{Block}</c>.</summary>
    public string Prefix => $"encoder.layer.{Block}";

    public string Bias(string projection) => $"{Prefix}.{projection}.bias";
}
