using System.Diagnostics;
using System.Numerics.Tensors;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>
/// Fine-tunes the top encoder blocks jointly on several tasks. The frozen bottom's states come precomputed (ONNX
/// Runtime, once per text); each step takes one task's mini-batch, runs the managed blocks over it, a linear head
/// per task on top (mean-pooled for sentence tasks, per position for token tasks), and updates heads and blocks
/// with AdamW. The first <see cref="EncoderAdaptationOptions.HeadWarmupSteps"/> steps train the heads only. The
/// adaptation heads exist only to shape the blocks: the served heads are retrained on the adapted encoder after.
/// </summary>
public sealed class EncoderAdaptationTrainer(EncoderAdaptationOptions options)
{
    private const int EvaluationBatch = 64;

    public EncoderAdaptationResult Train(
        IReadOnlyList<TransformerBlock> blocks,
        IReadOnlyList<AdaptationTask> tasks,
        IProgress<AdaptationProgress>? progress = null,
        Action<string>? notice = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(tasks);
        if (blocks.Count == 0 || tasks.Count == 0)
        {
            throw new ArgumentException("Adaptation needs at least one block and one task.");
        }

        var hidden = blocks[0].Hidden;
        var random = new SeededRandom((ulong)options.Seed);
        var heads = tasks.Select(t => DenseLayer.CreateRandom(hidden, t.Labels.Count, reluFollows: false, random, $"{t.Name}.head")).ToArray();
        var samples = tasks.Select(t => Enumerable.Range(0, t.Train.Texts.Count).ToArray()).ToArray();

        var batchesPerEpoch = samples.Sum(s => (s.Length + options.BatchSize - 1) / options.BatchSize);
        var totalSteps = batchesPerEpoch * options.Epochs;
        var warmup = Math.Min(options.HeadWarmupSteps, totalSteps / 2);
        var blockSteps = totalSteps - warmup;
        var blockWarmup = Math.Max(1, blockSteps / 10);
        var blockOptimizer = new AdamWOptimizer(blocks.SelectMany(b => b.Parameters), options.LearningRate, options.WeightDecay);
        var headOptimizer = new AdamWOptimizer(heads.SelectMany(h => h.Parameters), options.HeadLearningRate, 0f);

        notice?.Invoke($"adapting the top {blocks.Count} block(s) on {string.Join(", ", tasks.Select((t, i) => $"{t.Name} ({samples[i].Length} texts)"))}: " +
            $"{options.Epochs} epoch(s) of {batchesPerEpoch} steps, the first {warmup} heads only");

        var clock = Stopwatch.StartNew();
        IReadOnlyDictionary<string, double> before = new Dictionary<string, double>();
        var step = 0;
        var recent = new Queue<double>();
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var schedule = new List<(int Task, int[] Texts)>();
            for (var t = 0; t < tasks.Count; t++)
            {
                var order = samples[t].ToArray();
                random.Shuffle(order.AsSpan());
                for (var start = 0; start < order.Length; start += options.BatchSize)
                {
                    schedule.Add((t, order[start..Math.Min(order.Length, start + options.BatchSize)]));
                }
            }

            var shuffled = schedule.ToArray();
            random.Shuffle(shuffled.AsSpan());
            foreach (var (t, texts) in shuffled)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (step == warmup)
                {
                    before = Evaluate(blocks, tasks, heads);
                    notice?.Invoke($"after {warmup} head-only steps ({clock.Elapsed.TotalSeconds:0} s): {Describe(before)}");
                }

                var tuneBlocks = step >= warmup;
                var loss = Step(blocks, tasks[t], heads[t], texts, tuneBlocks);
                headOptimizer.Step();
                headOptimizer.ZeroGradients();
                if (tuneBlocks)
                {
                    var t0 = step - warmup;
                    var scale = t0 < blockWarmup ? (t0 + 1f) / blockWarmup : Math.Max(0f, (blockSteps - t0) / (float)(blockSteps - blockWarmup));
                    blockOptimizer.LearningRate = Math.Max(options.LearningRate * scale, 1e-12f);
                    blockOptimizer.Step();
                    blockOptimizer.ZeroGradients();
                }

                step++;
                recent.Enqueue(loss);
                if (recent.Count > 50)
                {
                    recent.Dequeue();
                }

                progress?.Report(new AdaptationProgress(epoch, step, totalSteps, clock.Elapsed, recent.Average()));
            }
        }

        var after = Evaluate(blocks, tasks, heads);
        return new EncoderAdaptationResult(blocks, before, after, step, clock.Elapsed);
    }

    /// <summary>Dev figures of every task (accuracy of labelled texts or positions), and of its out-of-domain sets.</summary>
    public static string Describe(IReadOnlyDictionary<string, double> metrics) =>
        string.Join(", ", metrics.Select(m => $"{m.Key} {m.Value * 100:0.0}"));

    /// <summary>One mini-batch: forward, the head's loss and gradients, and (when tuning) the blocks' gradients.</summary>
    private static double Step(IReadOnlyList<TransformerBlock> blocks, AdaptationTask task, DenseLayer head, int[] texts, bool tuneBlocks)
    {
        var (input, offsets, rowLabels) = Gather(task.Train, task.Kind == AdaptationTaskKind.Token ? task.TrainLabels : null, texts);
        var activations = new TransformerBlockActivations[blocks.Count];
        var current = input;
        for (var b = 0; b < blocks.Count; b++)
        {
            activations[b] = blocks[b].Forward(current, offsets);
            current = activations[b].Output;
        }

        var labels = task.Kind == AdaptationTaskKind.Sentence ? texts.Select(i => task.TrainLabels[i]).ToArray() : rowLabels!;
        var outputGradient = new float[current.Length];
        var loss = HeadLoss(task.Kind, head, current, offsets, labels, outputGradient, backward: true, predictions: null);
        if (!tuneBlocks)
        {
            return loss;
        }

        for (var b = blocks.Count - 1; b >= 0; b--)
        {
            var inputGradient = b > 0 ? new float[activations[b].Input.Length] : null;
            blocks[b].Backward(activations[b], outputGradient, inputGradient);
            outputGradient = inputGradient!;
        }

        return loss;
    }

    /// <summary>
    /// The head's cross-entropy over a batch. With <paramref name="backward"/>, accumulates the head's gradients and
    /// writes the gradient of the blocks' output into <paramref name="outputGradient"/>. With
    /// <paramref name="predictions"/>, adds each scored item's (label, predicted) pair.
    /// </summary>
    private static double HeadLoss(
        AdaptationTaskKind kind, DenseLayer head, float[] output, int[] offsets, int[] labels, float[] outputGradient, bool backward, List<(int Label, int Predicted)>? predictions)
    {
        var hidden = head.InputSize;
        var classes = head.OutputSize;
        int[] rows;
        float[] features;
        if (kind == AdaptationTaskKind.Sentence)
        {
            var count = offsets.Length - 1;
            rows = Enumerable.Range(0, count).ToArray();
            features = new float[count * hidden];
            for (var s = 0; s < count; s++)
            {
                var length = offsets[s + 1] - offsets[s];
                var pooled = features.AsSpan(s * hidden, hidden);
                for (var r = offsets[s]; r < offsets[s + 1]; r++)
                {
                    TensorPrimitives.Add(pooled, output.AsSpan(r * hidden, hidden), pooled);
                }

                TensorPrimitives.Multiply(pooled, 1f / length, pooled);
            }
        }
        else
        {
            rows = Enumerable.Range(0, labels.Length).Where(r => labels[r] >= 0).ToArray();
            features = new float[rows.Length * hidden];
            for (var i = 0; i < rows.Length; i++)
            {
                output.AsSpan(rows[i] * hidden, hidden).CopyTo(features.AsSpan(i * hidden, hidden));
            }
        }

        if (rows.Length == 0)
        {
            return 0;
        }

        var rowLabels = kind == AdaptationTaskKind.Sentence ? labels : rows.Select(r => labels[r]).ToArray();
        var logits = new float[rows.Length * classes];
        head.Forward(features, logits, rows.Length, training: backward);
        var probabilities = new float[logits.Length];
        var logitsGradient = backward ? new float[logits.Length] : [];
        var loss = SoftmaxCrossEntropy.Compute(logits, rowLabels, rows.Length, classes, [], probabilities, logitsGradient);
        if (predictions is not null)
        {
            for (var i = 0; i < rows.Length; i++)
            {
                var row = probabilities.AsSpan(i * classes, classes);
                predictions.Add((rowLabels[i], TensorPrimitives.IndexOfMax(row)));
            }
        }

        if (!backward)
        {
            return loss;
        }

        var featureGradient = new float[features.Length];
        head.Backward(features, logits, logitsGradient, featureGradient, rows.Length);
        if (kind == AdaptationTaskKind.Sentence)
        {
            for (var s = 0; s < rows.Length; s++)
            {
                var length = offsets[s + 1] - offsets[s];
                var share = featureGradient.AsSpan(s * hidden, hidden);
                TensorPrimitives.Multiply(share, 1f / length, share);
                for (var r = offsets[s]; r < offsets[s + 1]; r++)
                {
                    share.CopyTo(outputGradient.AsSpan(r * hidden, hidden));
                }
            }
        }
        else
        {
            for (var i = 0; i < rows.Length; i++)
            {
                featureGradient.AsSpan(i * hidden, hidden).CopyTo(outputGradient.AsSpan(rows[i] * hidden, hidden));
            }
        }

        return loss;
    }

    private static Dictionary<string, double> Evaluate(IReadOnlyList<TransformerBlock> blocks, IReadOnlyList<AdaptationTask> tasks, DenseLayer[] heads)
    {
        var metrics = new Dictionary<string, double>();
        for (var t = 0; t < tasks.Count; t++)
        {
            var task = tasks[t];
            metrics[task.Name] = Accuracy(blocks, task.Kind, heads[t], task.Dev, task.DevLabels);
            foreach (var set in task.OutOfDomain)
            {
                metrics[$"{task.Name}/{set.Name}"] = Accuracy(blocks, task.Kind, heads[t], set.States, set.Labels);
            }
        }

        return metrics;
    }

    /// <summary>Accuracy of the adaptation head over every labelled text or position of <paramref name="states"/>.</summary>
    public static double Accuracy(IReadOnlyList<TransformerBlock> blocks, AdaptationTaskKind kind, DenseLayer head, TokenStates states, int[] labels)
    {
        var predictions = new List<(int Label, int Predicted)>();
        for (var start = 0; start < states.Texts.Count; start += EvaluationBatch)
        {
            var texts = Enumerable.Range(start, Math.Min(EvaluationBatch, states.Texts.Count - start)).ToArray();
            var (input, offsets, rowLabels) = Gather(states, kind == AdaptationTaskKind.Token ? labels : null, texts);
            var current = input;
            foreach (var block in blocks)
            {
                current = block.Forward(current, offsets).Output;
            }

            var batchLabels = kind == AdaptationTaskKind.Sentence ? texts.Select(i => labels[i]).ToArray() : rowLabels!;
            HeadLoss(kind, head, current, offsets, batchLabels, [], backward: false, predictions);
        }

        return predictions.Count == 0 ? 0 : predictions.Count(p => p.Label == p.Predicted) / (double)predictions.Count;
    }

    /// <summary>The packed states (and position labels) of <paramref name="texts"/>.</summary>
    private static (float[] Input, int[] Offsets, int[]? RowLabels) Gather(TokenStates states, int[]? positionLabels, int[] texts)
    {
        var hidden = states.HiddenSize;
        var offsets = new int[texts.Length + 1];
        for (var i = 0; i < texts.Length; i++)
        {
            offsets[i + 1] = offsets[i] + states.Length(texts[i]);
        }

        var input = new float[offsets[^1] * hidden];
        var rowLabels = positionLabels is null ? null : new int[offsets[^1]];
        for (var i = 0; i < texts.Length; i++)
        {
            states.StatesOf(texts[i]).CopyTo(input.AsSpan(offsets[i] * hidden));
            if (rowLabels is not null)
            {
                positionLabels.AsSpan(states.Offsets[texts[i]], states.Length(texts[i])).CopyTo(rowLabels.AsSpan(offsets[i]));
            }
        }

        return (input, offsets, rowLabels);
    }
}
