using StreamNlp.Core.Tasks;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Ner;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Retrainer.Challengers;

/// <summary>
/// Runs a head's ONNX graph over encoder states computed once and cached, so champion and
/// challenger are scored on exactly the same inputs, through the same graphs the workers serve.
/// </summary>
public static class HeadScoring
{
    /// <summary>The label each text gets from a sequence head.</summary>
    public static string[] PredictLabels(TaskHead head, TokenStates states, int batchSize = 64)
    {
        var labels = head.Labels;
        var predictions = new string[states.Texts.Count];
        RunInBatches(head, states, batchSize, (start, batch, probabilities) =>
        {
            for (var b = 0; b < batch.BatchSize; b++)
            {
                var slice = probabilities.AsSpan(b * labels.Count, labels.Count);
                predictions[start + b] = labels[TensorPrimitives.IndexOfMax(slice)];
            }
        });

        return predictions;
    }

    /// <summary>The probabilities a sequence head gives each text, row-major <c>texts × labels</c>.</summary>
    public static float[] Probabilities(TaskHead head, TokenStates states, int batchSize = 64)
    {
        var labels = head.Labels.Count;
        var result = new float[states.Texts.Count * labels];
        RunInBatches(head, states, batchSize, (start, batch, probabilities) =>
            probabilities.AsSpan(0, batch.BatchSize * labels).CopyTo(result.AsSpan(start * labels)));
        return result;
    }

    /// <summary>
    /// The probabilities a token head gives every position of each text, laid out like <see cref="TokenStates"/>:
    /// row-major <c>positions × tags</c>, text after text.
    /// </summary>
    public static float[] TokenProbabilities(TaskHead head, TokenStates states, int batchSize = 64)
    {
        var tags = head.Labels.Count;
        var result = new float[states.PositionCount * tags];
        RunInBatches(head, states, batchSize, (start, batch, probabilities) =>
        {
            for (var b = 0; b < batch.BatchSize; b++)
            {
                var length = states.Length(start + b);
                probabilities.AsSpan(b * batch.SequenceLength * tags, length * tags).CopyTo(result.AsSpan(states.Offsets[start + b] * tags));
            }
        });

        return result;
    }

    /// <summary>
    /// The BIO tag of every word of each text from a token head: each word is read from its first sub-token's row
    /// of the head's [batch, seq, tags] output and each text's words are decoded with BIO-constrained Viterbi, as
    /// the workers do. Tags are in the head's own label order (its manifest's labels).
    /// </summary>
    public static string[][] PredictWordTags(TaskHead head, TokenStates states, int batchSize = 64)
    {
        var tagSet = new BioTagSet(head.Labels);
        var tags = tagSet.Count;
        var predictions = new string[states.Texts.Count][];
        RunInBatches(head, states, batchSize, (start, batch, probabilities) =>
        {
            for (var b = 0; b < batch.BatchSize; b++)
            {
                var firstTokens = batch.Texts[b].WordFirstToken;
                var wordProbabilities = new float[firstTokens.Length * tags];
                for (var w = 0; w < firstTokens.Length; w++)
                {
                    probabilities.AsSpan(((b * batch.SequenceLength) + firstTokens[w]) * tags, tags)
                        .CopyTo(wordProbabilities.AsSpan(w * tags, tags));
                }

                var path = BioViterbiDecoder.Decode(wordProbabilities, firstTokens.Length, tagSet);
                predictions[start + b] = [.. path.Select(p => tagSet[p])];
            }
        });

        return predictions;
    }

    /// <summary>Runs <paramref name="head"/> on consecutive batches of cached states; <paramref name="consume"/> gets the first text's index, the batch and its probabilities.</summary>
    private static void RunInBatches(TaskHead head, TokenStates states, int batchSize, Action<int, EncodedBatch, float[]> consume)
    {
        if (head.EncoderLayers.Count > 0)
        {
            RunLayerMixInBatches(head, states, batchSize, consume);
            return;
        }

        using var options = new RunOptions();
        var total = states.Texts.Count;
        for (var start = 0; start < total; start += batchSize)
        {
            var count = Math.Min(batchSize, total - start);
            var texts = Enumerable.Range(start, count).Select(i => states.Texts[i]).ToList();
            var rows = Enumerable.Range(start, count)
                .Select(i => new ReadOnlyMemory<float>(states.States, states.Offsets[i] * states.HiddenSize, states.Length(i) * states.HiddenSize))
                .ToList();
            using var batch = EncodedBatch.FromStates(texts, rows, states.HiddenSize);
            consume(start, batch, head.Run(batch, options));
        }
    }

    /// <summary>
    /// A head that reads intermediate layers is a layer mix (only the <c>dense</c> sentence family reads them), which
    /// takes the masked mean of every layer it reads. It is run on each text's pooled layers presented as a
    /// one-position sequence: the masked mean of one position is that position, so the graph sees exactly what the
    /// full states would give it (<c>LayerMixHeadTests</c> checks this against the trained network).
    /// </summary>
    private static void RunLayerMixInBatches(TaskHead head, TokenStates states, int batchSize, Action<int, EncodedBatch, float[]> consume)
    {
        if (head.Task == NlpTask.Ner)
        {
            throw new InvalidOperationException($"ner head {head.Version} reads intermediate encoder layers; only sentence heads can.");
        }

        var hidden = states.HiddenSize;
        var lastLayer = states.PooledLastLayer();
        var layers = head.EncoderLayers.ToDictionary(
            l => l,
            l => states.PooledLayers.TryGetValue(l, out var pooled)
                ? pooled
                : throw new InvalidOperationException($"{head.Task.ToName()} head {head.Version} reads encoder layer {l}, which these cached states lack."));
        using var options = new RunOptions();
        var total = states.Texts.Count;
        for (var start = 0; start < total; start += batchSize)
        {
            var count = Math.Min(batchSize, total - start);
            var texts = Enumerable.Range(start, count).Select(i => states.Texts[i]).ToList();
            IReadOnlyList<ReadOnlyMemory<float>> Rows(float[] pooled) =>
                [.. Enumerable.Range(start, count).Select(i => new ReadOnlyMemory<float>(pooled, i * hidden, hidden))];
            using var batch = EncodedBatch.FromPooledStates(texts, Rows(lastLayer), hidden, layers.ToDictionary(l => l.Key, l => Rows(l.Value)));
            consume(start, batch, head.Run(batch, options));
        }
    }
}
