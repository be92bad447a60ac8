using Microsoft.ML.OnnxRuntime;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
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
        using var options = new RunOptions();
        for (var start = 0; start < predictions.Length; start += batchSize)
        {
            var count = Math.Min(batchSize, predictions.Length - start);
            var texts = Enumerable.Range(start, count).Select(i => states.Texts[i]).ToList();
            var rows = Enumerable.Range(start, count)
                .Select(i => new ReadOnlyMemory<float>(states.States, states.Offsets[i] * states.HiddenSize, states.Length(i) * states.HiddenSize))
                .ToList();
            using var batch = EncodedBatch.FromStates(texts, rows, states.HiddenSize);
            var probabilities = head.Run(batch, options);
            for (var b = 0; b < count; b++)
            {
                var slice = probabilities.AsSpan(b * labels.Count, labels.Count);
                predictions[start + b] = labels[System.Numerics.Tensors.TensorPrimitives.IndexOfMax(slice)];
            }
        }

        return predictions;
    }
}
