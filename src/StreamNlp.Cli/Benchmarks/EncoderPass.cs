using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Inference;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// The pipeline's ceiling on this machine: the same texts, in arrival order, in batches of the worker's
/// batch size, through the SAME model bundle the worker serves (same sessions, threads and provider), with
/// no Kafka around it. Each batch runs twice, the bare encoder (then each head on its output) and the
/// bundle's <c>Annotate</c>, in alternating order so that neither always gets the warmer caches; that gives
/// "encoder only" and "encoder + heads" from one pass, and the heads' share of the time.
/// </summary>
internal static class EncoderPass
{
    public static EncoderPassResult Run(ModelBundle bundle, IReadOnlyList<string> texts, int batchSize, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfZero(texts.Count);
        using var options = new RunOptions();

        // Warm-up, untimed: ONNX Runtime's first run of a shape allocates and plans.
        bundle.Annotate([.. texts.Take(batchSize).Select(t => bundle.Tokenize(t, maxTokens))], options);

        var headSeconds = bundle.Heads.Keys.ToDictionary(t => t.ToName(), _ => 0.0);
        var padding = new PaddingTally();
        double tokenize = 0, encoder = 0, annotate = 0;
        var batches = 0;
        for (var start = 0; start < texts.Count; start += batchSize)
        {
            var began = Stopwatch.GetTimestamp();
            var batch = new List<TokenizedText>(batchSize);
            for (var i = start; i < Math.Min(texts.Count, start + batchSize); i++)
            {
                batch.Add(bundle.Tokenize(texts[i], maxTokens));
            }

            tokenize += Stopwatch.GetElapsedTime(began).TotalSeconds;
            padding.Add([.. batch.Select(t => t.Length)]);
            if (batches % 2 == 0)
            {
                encoder += EncoderAndHeads(bundle, batch, options, headSeconds);
                annotate += Annotate(bundle, batch, options);
            }
            else
            {
                annotate += Annotate(bundle, batch, options);
                encoder += EncoderAndHeads(bundle, batch, options, headSeconds);
            }

            batches++;
        }

        return new EncoderPassResult(texts.Count, batches, tokenize, encoder, annotate, headSeconds, padding);
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
