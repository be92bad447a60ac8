using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// <c>streamnlp bench encoder</c>: encoder throughput at each precision on real text, in ONE process so the
/// figures share the machine's state (other load, CPU clock), with the precisions interleaved round by round
/// for the same reason. Also prints how closely each precision's <c>last_hidden_state</c> follows the first
/// one's (cosine similarity per token), the figure the int8 tests assert on. Heads are not run: this times the
/// encoder alone; <c>bench enrich</c> times the whole service.
/// </summary>
internal static class BenchEncoderCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "JSON Lines with a \"text\" property (other lines are read as plain text).", Required = true };
        var precisions = new Option<string>("--precision") { Description = "Comma-separated precisions to compare (fp32, int8, fp16), the first as reference.", DefaultValueFactory = _ => "fp32,int8" };
        var batchSize = new Option<int>("--batch-size") { Description = "Texts per encoder run, in file order, each batch padded to its longest text.", DefaultValueFactory = _ => 64 };
        var rounds = new Option<int>("--rounds") { Description = "Timed passes over the file per precision (interleaved).", DefaultValueFactory = _ => 3 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Token limit per text, as StreamNlp:Models:MaxTokens.", DefaultValueFactory = _ => 256 };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0: one per core).", DefaultValueFactory = _ => 0 };
        var provider = new Option<ExecutionProvider>("--provider") { Description = "Execution provider, as StreamNlp:Models:ExecutionProvider.", DefaultValueFactory = _ => ExecutionProvider.Cpu };
        var command = new Command("encoder", "Encoder sequences/s at each precision on a text file, and how closely the outputs agree.")
        {
            data, precisions, batchSize, rounds, maxTokens, threads, provider,
        };
        command.SetAction((parse, ct) => CommandRunner.Guard(() => Task.FromResult(Run(
            parse.GetValue(data)!,
            ParsePrecisions(parse.GetValue(precisions)!),
            parse.GetValue(batchSize),
            parse.GetValue(rounds),
            parse.GetValue(maxTokens),
            new InferenceSettings(parse.GetValue(provider), parse.GetValue(threads)),
            ct))));
        return command;
    }

    private static int Run(string file, IReadOnlyList<EncoderPrecision> precisions, int batchSize, int rounds, int maxTokens, InferenceSettings settings, CancellationToken ct)
    {
        if (!File.Exists(file))
        {
            throw new CliException($"Data file not found: {file}");
        }

        if (batchSize < 1 || rounds < 1 || maxTokens is < 8 or > 512)
        {
            throw new CliException("--batch-size and --rounds must be at least 1, --max-tokens between 8 and 512.");
        }

        var cache = new EncoderCache(EncoderCache.DefaultDirectory);
        var sessions = new SessionFactory(settings);
        var encoders = new List<(EncoderPrecision Precision, EncoderSession Session)>();
        try
        {
            foreach (var precision in precisions)
            {
                var clock = Stopwatch.StartNew();
                encoders.Add((precision, new EncoderSession(cache.Ensure(EncoderDescriptor.MiniLmL6V2, precision), sessions)));
                Console.Error.WriteLine($"loaded {encoders[^1].Session.Files.Descriptor.Version} in {clock.Elapsed.TotalSeconds:F1} s");
            }

            var first = encoders[0].Session.Files;
            var tokenizer = new TextTokenizer(first.VocabularyPath, first.Descriptor.Uncased);
            var texts = ReadTexts(file).Select(t => tokenizer.Tokenize(t, maxTokens)).ToArray();
            if (texts.Length == 0)
            {
                throw new CliException($"{file} has no text.");
            }

            var batches = texts.Chunk(batchSize).ToArray();
            var padded = batches.Sum(b => (double)b.Length * b.Max(t => t.Length)) / texts.Length;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"encoder bench: {texts.Length} texts from {file}; {texts.Average(t => t.Length):F1} word pieces each, {padded:F1} padded " +
                $"(batches of {batchSize} in file order); provider {sessions.ActiveProvider}, intra-op threads {(settings.IntraOpThreads == 0 ? "auto" : settings.IntraOpThreads)}, {Environment.ProcessorCount} cores"));

            CompareOutputs(encoders, batches, ct);

            foreach (var (_, session) in encoders)
            {
                session.Run(batches[0]).Dispose(); // warm-up: first-run allocations and weight packing
            }

            var perRound = encoders.Select(_ => new List<double>()).ToArray();
            for (var round = 0; round < rounds; round++)
            {
                for (var e = 0; e < encoders.Count; e++)
                {
                    var clock = Stopwatch.StartNew();
                    foreach (var batch in batches)
                    {
                        ct.ThrowIfCancellationRequested();
                        encoders[e].Session.Run(batch).Dispose();
                    }

                    perRound[e].Add(texts.Length / clock.Elapsed.TotalSeconds);
                }
            }

            var reference = Median(perRound[0]);
            for (var e = 0; e < encoders.Count; e++)
            {
                var median = Median(perRound[e]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{encoders[e].Precision.ToString().ToLowerInvariant(),-5} {encoders[e].Session.Files.Descriptor.Version,-32} " +
                    $"median {median,6:F0} sequences/s ({median * texts.Average(t => t.Length),7:F0} tokens/s), best {perRound[e].Max(),6:F0}; " +
                    $"rounds {string.Join(" ", perRound[e].Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}; {median / reference:F2}x {encoders[0].Precision.ToString().ToLowerInvariant()}"));
            }
        }
        finally
        {
            foreach (var (_, session) in encoders)
            {
                session.Dispose();
            }
        }

        return 0;
    }

    /// <summary>Per-token cosine similarity of each precision's hidden states to the first precision's, over every real (unpadded) token.</summary>
    private static void CompareOutputs(List<(EncoderPrecision Precision, EncoderSession Session)> encoders, TokenizedText[][] batches, CancellationToken ct)
    {
        for (var e = 1; e < encoders.Count; e++)
        {
            var cosines = new List<double>();
            foreach (var batch in batches)
            {
                ct.ThrowIfCancellationRequested();
                using var expected = encoders[0].Session.Run(batch);
                using var actual = encoders[e].Session.Run(batch);
                var x = expected.HiddenStatesData;
                var y = actual.HiddenStatesData;
                var hidden = expected.HiddenSize;
                for (var b = 0; b < batch.Length; b++)
                {
                    for (var p = 0; p < batch[b].Length; p++)
                    {
                        var offset = ((b * expected.SequenceLength) + p) * hidden;
                        cosines.Add(TensorPrimitives.CosineSimilarity(x.Slice(offset, hidden), y.Slice(offset, hidden)));
                    }
                }
            }

            cosines.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{encoders[e].Precision.ToString().ToLowerInvariant()} vs {encoders[0].Precision.ToString().ToLowerInvariant()}: last_hidden_state cosine per token " +
                $"mean {cosines.Average():F4}, 1st percentile {cosines[cosines.Count / 100]:F4}, min {cosines[0]:F4} over {cosines.Count} tokens"));
        }
    }


    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static IReadOnlyList<EncoderPrecision> ParsePrecisions(string value)
    {
        var result = new List<EncoderPrecision>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<EncoderPrecision>(part, ignoreCase: true, out var precision) || !Enum.IsDefined(precision))
            {
                throw new CliException($"--precision '{part}' is not one of fp32, int8, fp16.");
            }

            result.Add(precision);
        }

        return result.Count > 0 ? result : throw new CliException("--precision names no precision.");
    }

    private static IEnumerable<string> ReadTexts(string file)
    {
        foreach (var line in File.ReadLines(file))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string? text = null;
            if (line.TrimStart().StartsWith('{'))
            {
                try
                {
                    using var json = JsonDocument.Parse(line);
                    if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                    {
                        text = t.GetString();
                    }
                }
                catch (JsonException)
                {
                    // not JSON after all: the line is the text
                }
            }

            yield return text ?? line;
        }
    }
}
