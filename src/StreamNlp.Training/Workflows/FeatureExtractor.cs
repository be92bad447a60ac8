using System.Security.Cryptography;
using System.Text;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Tokenization;
using StreamNlp.Training.Export;

namespace StreamNlp.Training.Workflows;

/// <summary>
/// Runs the frozen encoder over a data set and returns the features a head trains on, computed
/// exactly as the head's ONNX graph will see them at inference: masked mean pooling for sequence
/// heads, and for token heads each word's first sub-token vector plus its shape features. Texts are
/// encoded in length-sorted batches (little padding); results are cached on disk by a hash of the
/// encoder, the token limit and the texts, so training again on the same data does not encode again.
/// </summary>
public sealed class FeatureExtractor(TextTokenizer tokenizer, EncoderSession encoder, int maxTokens, string? cacheDirectory, int batchSize = 64)
{
    public int HiddenSize => encoder.HiddenSize;

    public TextTokenizer Tokenizer => tokenizer;

    /// <summary>The token limit each text is encoded with.</summary>
    public int MaxTokens => maxTokens;

    /// <summary>The encoder's number of transformer blocks: layers run from 0 (embeddings) to this (<c>last_hidden_state</c>).</summary>
    public int Blocks => encoder.Blocks;

    /// <summary>Mean-pooled encoder vectors, <c>texts × hidden</c>, row-major.</summary>
    public float[] PooledFeatures(IReadOnlyList<string> texts, IProgress<EncodingProgress>? progress = null, string stage = "encode") =>
        PooledFeatures(texts, [], progress, stage);

    /// <summary>
    /// The masked mean of each of <paramref name="layers"/> (empty: the last layer), concatenated in that order:
    /// <c>texts × (layers · hidden)</c>, row-major; what a layer-mix sequence head computes from one encoder pass.
    /// </summary>
    public float[] PooledFeatures(IReadOnlyList<string> texts, IReadOnlyList<int> layers, IProgress<EncodingProgress>? progress = null, string stage = "encode") =>
        PooledFeatures(texts, layers, progress, stage, precomputed: null);

    /// <param name="precomputed">The same features computed in another encoder pass, stored in the cache instead of encoding again.</param>
    private float[] PooledFeatures(IReadOnlyList<string> texts, IReadOnlyList<int> layers, IProgress<EncodingProgress>? progress, string stage, float[]? precomputed)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var hidden = encoder.HiddenSize;
        int[] read = layers.Count == 0 ? [encoder.Blocks] : [.. layers];
        foreach (var layer in read)
        {
            if (layer < 0 || layer > encoder.Blocks)
            {
                throw new ArgumentException($"Encoder layer {layer} does not exist: {encoder.Files.Descriptor.Name} has layers 0 to {encoder.Blocks}.", nameof(layers));
            }
        }

        var width = read.Length * hidden;
        var kind = layers.Count == 0 ? "pooled" : "pooled-layers-" + string.Join('.', read);
        return Cached(kind, texts, (long)texts.Count * width, () =>
        {
            if (precomputed is not null)
            {
                return precomputed;
            }

            var features = new float[texts.Count * width];
            var tokenized = texts.Select(t => tokenizer.Tokenize(t, maxTokens)).ToArray();
            EncodeInBatches(tokenized, progress, stage, read, (batch, indices) =>
            {
                CopyPooledLayers(batch, indices, read, features);
            });
            return features;
        });
    }

    /// <summary>
    /// For each text, the features of each of its words (first sub-token's hidden vector followed by
    /// <see cref="TokenShapeFeatures"/>), concatenated over texts: <c>Σ words × (hidden + shape)</c>.
    /// </summary>
    public WordFeatures WordFeatures(IReadOnlyList<string> texts, IProgress<EncodingProgress>? progress = null, string stage = "encode")
    {
        var hidden = encoder.HiddenSize;
        var dimension = hidden + TokenShapeFeatures.Count;
        var tokenized = texts.Select(t => tokenizer.Tokenize(t, maxTokens)).ToArray();
        var offsets = new int[texts.Count + 1];
        for (var i = 0; i < tokenized.Length; i++)
        {
            offsets[i + 1] = offsets[i] + tokenized[i].Words.Count;
        }

        var features = Cached("words", texts, offsets[^1] * dimension, () =>
        {
            var result = new float[offsets[^1] * dimension];
            EncodeInBatches(tokenized, progress, stage, (batch, indices) =>
            {
                var data = batch.HiddenStatesData;
                var shape = TaskHead.BuildTokenFeatures(batch);
                for (var b = 0; b < indices.Count; b++)
                {
                    var text = batch.Texts[b];
                    for (var w = 0; w < text.Words.Count; w++)
                    {
                        var position = text.WordFirstToken[w];
                        var row = (offsets[indices[b]] + w) * dimension;
                        var source = ((b * batch.SequenceLength) + position);
                        data.Slice(source * hidden, hidden).CopyTo(result.AsSpan(row, hidden));
                        shape.AsSpan(source * TokenShapeFeatures.Count, TokenShapeFeatures.Count).CopyTo(result.AsSpan(row + hidden, TokenShapeFeatures.Count));
                    }
                }
            });
            return result;
        });
        return new WordFeatures(tokenized, offsets, features, dimension);
    }

    /// <summary>
    /// Hidden states of every non-padding position of each text, plus their shape features; with
    /// <paramref name="layers"/>, also those intermediate encoder layers, pooled per text
    /// (<see cref="Workflows.TokenStates.PooledLayers"/>).
    /// </summary>
    public TokenStates TokenStates(IReadOnlyList<string> texts, IProgress<EncodingProgress>? progress = null, string stage = "encode", IReadOnlyList<int>? layers = null)
    {
        var hidden = encoder.HiddenSize;
        var tokenized = texts.Select(t => tokenizer.Tokenize(t, maxTokens)).ToArray();
        var offsets = PositionOffsets(tokenized);

        int[] extra = [.. (layers ?? []).Where(l => l != encoder.Blocks).Distinct().Order()];
        if (extra.Any(l => l < 0 || l > encoder.Blocks))
        {
            throw new ArgumentException($"Encoder layers {string.Join(", ", extra)}: {encoder.Files.Descriptor.Name} has layers 0 to {encoder.Blocks}.", nameof(layers));
        }

        // One encoder pass gives the last layer's states and, when asked, the intermediate layers pooled per text
        // (cached with the sentence heads' pooled features, so a later call finds them there).
        float[]? pooledInPass = null;
        var states = Cached("states", texts, offsets[^1] * hidden, () =>
        {
            var result = new float[offsets[^1] * hidden];
            pooledInPass = extra.Length == 0 ? null : new float[texts.Count * extra.Length * hidden];
            EncodeInBatches(tokenized, progress, stage, extra, (batch, indices) =>
            {
                CopyUnpadded(batch, encoder.Blocks, indices, offsets, result);
                if (pooledInPass is not null)
                {
                    CopyPooledLayers(batch, indices, extra, pooledInPass);
                }
            });
            return result;
        });

        var pooledLayers = new Dictionary<int, float[]>();
        if (extra.Length > 0)
        {
            var pooled = PooledFeatures(texts, extra, progress, stage, pooledInPass);
            foreach (var (layer, k) in extra.Select((l, k) => (l, k)))
            {
                var values = new float[texts.Count * hidden];
                for (var i = 0; i < texts.Count; i++)
                {
                    pooled.AsSpan(((i * extra.Length) + k) * hidden, hidden).CopyTo(values.AsSpan(i * hidden, hidden));
                }

                pooledLayers[layer] = values;
            }
        }

        var shape = new float[offsets[^1] * TokenShapeFeatures.Count];
        for (var i = 0; i < tokenized.Length; i++)
        {
            TokenShapeFeatures.ComputeForPositions(tokenized[i], shape.AsSpan(offsets[i] * TokenShapeFeatures.Count));
        }

        return new TokenStates(tokenized, offsets, states, shape, hidden) { PooledLayers = pooledLayers };
    }

    /// <summary>
    /// The hidden states of encoder layer <paramref name="layer"/> (0 … <see cref="Blocks"/>) at every non-padding
    /// position of each text: the frozen bottom that encoder adaptation trains the top blocks on. Cached like the
    /// other features.
    /// </summary>
    public TokenStates LayerTokenStates(IReadOnlyList<string> texts, int layer, IProgress<EncodingProgress>? progress = null, string stage = "encode")
    {
        if (layer < 0 || layer > encoder.Blocks)
        {
            throw new ArgumentException($"Encoder layer {layer} does not exist: {encoder.Files.Descriptor.Name} has layers 0 to {encoder.Blocks}.", nameof(layer));
        }

        var hidden = encoder.HiddenSize;
        var tokenized = texts.Select(t => tokenizer.Tokenize(t, maxTokens)).ToArray();
        var offsets = PositionOffsets(tokenized);

        var states = Cached($"layer{layer}-states", texts, (long)offsets[^1] * hidden, () =>
        {
            var result = new float[offsets[^1] * hidden];
            EncodeInBatches(tokenized, progress, stage, [layer], (batch, indices) => CopyUnpadded(batch, layer, indices, offsets, result));
            return result;
        });
        return new TokenStates(tokenized, offsets, states, [], hidden);
    }

    /// <summary>Where each text's positions start in a packed array of token rows (the last entry is the total).</summary>
    private static int[] PositionOffsets(TokenizedText[] tokenized)
    {
        var offsets = new int[tokenized.Length + 1];
        for (var i = 0; i < tokenized.Length; i++)
        {
            offsets[i + 1] = offsets[i] + tokenized[i].Length;
        }

        return offsets;
    }

    /// <summary>
    /// Copies layer <paramref name="layer"/>'s states at every non-padding position of each text of
    /// <paramref name="batch"/> to its rows of the packed <paramref name="target"/> (<see cref="PositionOffsets"/>).
    /// </summary>
    private static void CopyUnpadded(EncodedBatch batch, int layer, IReadOnlyList<int> indices, int[] offsets, float[] target)
    {
        var hidden = batch.HiddenSize;
        var data = batch.LayerData(layer);
        for (var b = 0; b < indices.Count; b++)
        {
            var length = batch.Texts[b].Length;
            data.Slice(b * batch.SequenceLength * hidden, length * hidden)
                .CopyTo(target.AsSpan(offsets[indices[b]] * hidden, length * hidden));
        }
    }

    /// <summary>
    /// Writes the masked mean of each of <paramref name="layers"/> for every text of <paramref name="batch"/> into its
    /// row of <paramref name="target"/> (<c>texts × (layers · hidden)</c>, the layers side by side in that order).
    /// </summary>
    private static void CopyPooledLayers(EncodedBatch batch, IReadOnlyList<int> indices, IReadOnlyList<int> layers, float[] target)
    {
        var hidden = batch.HiddenSize;
        var width = layers.Count * hidden;
        for (var k = 0; k < layers.Count; k++)
        {
            var pooled = MeanPooling.Compute(batch.LayerData(layers[k]), batch.AttentionMaskData, batch.BatchSize, batch.SequenceLength, hidden);
            for (var b = 0; b < indices.Count; b++)
            {
                pooled.AsSpan(b * hidden, hidden).CopyTo(target.AsSpan((indices[b] * width) + (k * hidden), hidden));
            }
        }
    }

    private void EncodeInBatches(TokenizedText[] tokenized, IProgress<EncodingProgress>? progress, string stage, Action<EncodedBatch, IReadOnlyList<int>> consume) =>
        EncodeInBatches(tokenized, progress, stage, [], consume);

    private void EncodeInBatches(TokenizedText[] tokenized, IProgress<EncodingProgress>? progress, string stage, IReadOnlyCollection<int> layers, Action<EncodedBatch, IReadOnlyList<int>> consume)
    {
        var order = Enumerable.Range(0, tokenized.Length).OrderBy(i => tokenized[i].Length).ToArray();
        var done = 0;
        for (var start = 0; start < order.Length; start += batchSize)
        {
            var indices = order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray();
            using var batch = encoder.Run([.. indices.Select(i => tokenized[i])], layers: layers);
            consume(batch, indices);
            done += indices.Length;
            progress?.Report(new EncodingProgress(stage, done, tokenized.Length));
        }
    }

    /// <param name="expectedLength">The size the result must have; a cached file of another size is stale and recomputed.</param>
    private float[] Cached(string kind, IReadOnlyList<string> texts, long expectedLength, Func<float[]> compute)
    {
        if (cacheDirectory is null)
        {
            return compute();
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(
            $"{kind}|{encoder.Files.Descriptor.ModelSha256}|{encoder.Files.Descriptor.VocabularySha256}|{TextTokenizer.BehaviourVersion}|{maxTokens}|{TokenShapeFeatures.Count}|{texts.Count}\n"));
        foreach (var text in texts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(text));
            hash.AppendData("\n"u8);
        }

        var key = Convert.ToHexStringLower(hash.GetHashAndReset());
        var folder = Path.Combine(cacheDirectory, "features");
        var path = Path.Combine(folder, $"{kind}-{key}.f32");
        if (File.Exists(path) && new FileInfo(path).Length == expectedLength * sizeof(float))
        {
            var bytes = File.ReadAllBytes(path);
            var cached = new float[bytes.Length / sizeof(float)];
            Buffer.BlockCopy(bytes, 0, cached, 0, bytes.Length);
            return cached;
        }

        var features = compute();
        Directory.CreateDirectory(folder);
        var output = new byte[features.Length * sizeof(float)];
        Buffer.BlockCopy(features, 0, output, 0, output.Length);
        var temp = path + $".{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temp, output);
        File.Move(temp, path, overwrite: true);
        return features;
    }
}
