using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Inference;
using StreamNlp.Models.Tokenization;
using StreamNlp.Worker.Batching;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// The pipeline's ceiling on this machine: the same texts, in arrival order, cut into batches by the
/// worker's own <see cref="BatchPolicy"/> (batch size AND padded-token budget, as if every record were already
/// waiting), through the SAME model bundle the worker serves (same sessions, threads and provider), with no
/// Kafka around it. Each batch runs twice, the bare encoder (then each head on its output) and the bundle's
/// <c>Annotate</c>, in alternating order so that neither always gets the warmer caches; that gives "encoder
/// only" and "encoder + heads" from one pass, and the heads' share of the time.
/// </summary>
internal static class EncoderPass
{
    public static EncoderPassResult Run(ModelBundle bundle, IReadOnlyList<string> texts, BatchPolicy policy, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfZero(texts.Count);
        using var options = new RunOptions();

        var began = Stopwatch.GetTimestamp();
        var tokenized = texts.Select(t => bundle.Tokenize(t, maxTokens)).ToList();
        var tokenize = Stopwatch.GetElapsedTime(began).TotalSeconds;
        var sizes = Cut([.. tokenized.Select(t => t.Length)], policy);

        // Warm-up, untimed: ONNX Runtime's first run of a shape allocates and plans.
        bundle.Annotate(tokenized.GetRange(0, sizes[0]), options);

        var headSeconds = bundle.Heads.Keys.ToDictionary(t => t.ToName(), _ => 0.0);
        var padding = new PaddingTally();
        double encoder = 0, annotate = 0;
        var start = 0;
        for (var b = 0; b < sizes.Count; b++)
        {
            var batch = tokenized.GetRange(start, sizes[b]);
            start += sizes[b];
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

        return new EncoderPassResult(texts.Count, sizes.Count, tokenize, encoder, annotate, headSeconds, padding);
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

    /// <summary>Seconds in the bare encoder; each head's seconds on its output go to <paramref name="headSeconds"/>.</summary>
    private static double EncoderAndHeads(ModelBundle bundle, List<TokenizedText> batch, RunOptions options, Dictionary<string, double> headSeconds)
    {
        var began = Stopwatch.GetTimestamp();
        using var encoded = bundle.Encoder.Run(batch, options);
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
