namespace StreamNlp.Training.NeuralNetworks.Attention;

/// <summary>How <see cref="AttentionPoolingLayer"/> scores each position before the masked softmax.</summary>
public enum AttentionScoring
{
    /// <summary>
    /// Additive (Bahdanau; "structured self-attention", Lin et al. 2017): <c>s[t,k] = v_k · tanh(W·x_t + b)</c>,
    /// one shared projection <c>W</c> (<c>AttentionSize × InputSize</c>) and one score vector per head.
    /// </summary>
    Additive,

    /// <summary>Dot product with a learned query per head: <c>s[t,k] = q_k · x_t / √InputSize</c>.</summary>
    DotProduct,
}
