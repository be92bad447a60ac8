namespace StreamNlp.Models.Quantization;

/// <summary>What every derived encoder's record (<c>model-int8.json</c>, <c>model-fp16.json</c>) says about its graph.</summary>
public interface IDerivedEncoderRecord
{
    /// <summary>SHA-256 of the fp32 graph it was derived from.</summary>
    string DerivedFromSha256 { get; }

    /// <summary>The identity of the transformation that produced it.</summary>
    string Recipe { get; }

    /// <summary>SHA-256 of the derived graph file.</summary>
    string Sha256 { get; }
}
