using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Inference;
using StreamNlp.Models.Tokenization;
using StreamNlp.Worker.Batching;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// The pipeline's ceiling on this machine: the same texts cut into encoder runs exactly as the worker cuts
/// them when every record is already waiting (windows grouped by length with the worker's
/// <see cref="LengthGrouping"/>, or consecutive batches of its <see cref="BatchPolicy"/> when grouping is off), through the SAME model bundle the worker serves (same sessions, threads and provider), with no
/// Kafka around it. Each batch runs twice, the bare encoder (then each head on its output) and the bundle's
/// <c>Annotate</c>, in alternating order so that neither always gets the warmer caches; that gives "encoder
/// only" and "encoder + heads" from one pass, and the heads' share of the time.
/// </summary>
internal static class EncoderPass
{
    public static EncoderPassResult Run(ModelBundle bundle, IReadOnlyList<string> texts, BatchPolicy policy, LengthGrouping? grouping, int window, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfZero(texts.Count);
        using var options = new RunOptions();

        var began = Stopwatch.GetTimestamp();
        var tokenized = texts.Select(t => bundle.Tokenize(t, maxTokens)).ToList();
        var tokenize = Stopwatch.GetElapsedTime(began).TotalSeconds;
        var runs = Runs([.. tokenized.Select(t => t.Length)], policy, grouping, window);

        // Warm-up, untimed: ONNX Runtime's first run of a shape allocates and plans.
        bundle.Annotate([.. runs[0].Select(i => tokenized[i])], options);

        var headSeconds = bundle.Heads.Keys.ToDictionary(t => t.ToName(), _ => 0.0);
        var padding = new PaddingTally();
        double encoder = 0, annotate = 0;
        for (var b = 0; b < runs.Count; b++)
        {
            var batch = runs[b].Select(i => tokenized[i]).ToList();
            padding.Add([.. batch.Select(t => t.Length)]);
            if (b % 2 == 0)
            {
                encoder += EncoderAndHeads(bundle, batch, options, headSeconds);
                annotate += Annotate(bundle, batch, options);
            }
            else
            {
                annotate += Annotate(bundle, batch, options);
                encoder += EncoderAndHeads(bundle, batch, options, headSeconds);
            }
        }

        return new EncoderPassResult(texts.Count, runs.Count, tokenize, encoder, annotate, headSeconds, padding);
    }

    /// <summary>
    /// The encoder runs the worker makes of these texts when every record is already waiting: windows of
    /// <paramref name="window"/> consecutive records, each grouped by length (<see cref="LengthGrouping"/>),
    /// or, without grouping, consecutive batches cut by <paramref name="policy"/>. Indices into the texts.
    /// </summary>
    public static IReadOnlyList<int[]> Runs(IReadOnlyList<int> lengths, BatchPolicy policy, LengthGrouping? grouping, int window)
    {
        var runs = new List<int[]>();
        if (grouping is null)
        {
            var start = 0;
            foreach (var size in Cut(lengths, policy))
            {
                runs.Add([.. Enumerable.Range(start, size)]);
                start += size;
            }

            return runs;
        }

        for (var start = 0; start < lengths.Count; start += window)
        {
            var count = Math.Min(window, lengths.Count - start);
            var offset = start;
            runs.AddRange(grouping.Plan([.. lengths.Skip(start).Take(count)]).Select(run => run.Select(i => i + offset).ToArray()));
        }

        return runs;
    }

    /// <summary>
    /// The sizes of consecutive batches <paramref name="policy"/> admits for texts of these token lengths in
    /// this order, as the worker's batcher forms them when every record is already waiting.
    /// </summary>
    public static IReadOnlyList<int> Cut(IReadOnlyList<int> lengths, BatchPolicy policy)
    {
        var sizes = new List<int>();
        int count = 0, longest = 0;
        foreach (var length in lengths)
        {
            if (!policy.Admits(count, longest, length))
            {
                sizes.Add(count);
                count = 0;
                longest = 0;
            }

            count++;
            longest = Math.Max(longest, length);
        }

        if (count > 0)
        {
            sizes.Add(count);
        }

        return sizes;
    }

    /// <summary>
    /// Seconds in the bare encoder (fetching the intermediate layers the heads read, as the worker's encoder pass does);
    /// each head's seconds on its output go to <paramref name="headSeconds"/>.
    /// </summary>
    private static double EncoderAndHeads(ModelBundle bundle, List<TokenizedText> batch, RunOptions options, Dictionary<string, double> headSeconds)
    {
        var began = Stopwatch.GetTimestamp();
        using var encoded = bundle.Encoder.Run(batch, options, bundle.EncoderLayers);
        var seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        foreach (var (task, head) in bundle.Heads)
        {
            var headBegan = Stopwatch.GetTimestamp();
            _ = head.Run(encoded, options);
            headSeconds[task.ToName()] += Stopwatch.GetElapsedTime(headBegan).TotalSeconds;
        }

        return seconds;
    }

    private static double Annotate(ModelBundle bundle, List<TokenizedText> batch, RunOptions options)
    {
        var began = Stopwatch.GetTimestamp();
        _ = bundle.Annotate(batch, options);
        return Stopwatch.GetElapsedTime(began).TotalSeconds;
    }
}
