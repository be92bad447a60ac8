using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using StreamNlp.Cli.Commands;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;
using StreamNlp.Retrainer.Challengers;
using StreamNlp.Retrainer.Challengers.Strategies;
using StreamNlp.Retrainer.Configuration;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Training.Data;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// <c>streamnlp bench strategies</c>: the retraining strategies side by side on real domain shift. For each review
/// domain, N labelled reviews from its training split become feedback to the shipped sentiment model; each strategy
/// runs one retraining round exactly as the retrainer does (same runner, same gate, shipped replay set), and champion
/// and challenger are scored on that domain's test split, on the other domains' test splits and on SST-2 dev.
/// </summary>
internal static class FeedbackStrategyBenchmark
{
    private static readonly string[] Domains = ["airline", "books", "dvd"];

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The shared data folder (sentiment/reviews/<domain>/{train,test}.jsonl, sentiment/sst2/dev.jsonl).", Required = true };
        var labels = new Option<int>("--labels") { Description = "Feedback labels per domain.", DefaultValueFactory = _ => 500 };
        var strategies = new Option<string>("--strategies") { Description = "Comma-separated: adapter, weighted, replay.", DefaultValueFactory = _ => "adapter,weighted,replay" };
        var domains = new Option<string>("--domains") { Description = "Comma-separated review domains.", DefaultValueFactory = _ => string.Join(',', Domains) };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 7 };
        var share = new Option<double>("--feedback-share") { DefaultValueFactory = _ => new RetrainerOptions().FeedbackShare };
        var l2 = new Option<double>("--adapter-l2") { DefaultValueFactory = _ => new RetrainerOptions().AdapterL2 };
        var testRows = new Option<int>("--test-rows") { Description = "Rows of each review split to score (0: all).", DefaultValueFactory = _ => 0 };
        var split = new Option<string>("--eval-split") { Description = "Review split to score on: test, or dev (for choosing settings).", DefaultValueFactory = _ => "test" };
        var command = new Command("strategies", "Compare retraining strategies: feedback from one review domain, scored in that domain, in the other domains and on SST-2 dev.")
        {
            data, labels, strategies, domains, seed, share, l2, testRows, split,
        };
        command.SetAction((parse, ct) => CommandRunner.Guard(() => Task.FromResult(Run(
            parse.GetValue(data)!, parse.GetValue(labels), parse.GetValue(strategies)!, parse.GetValue(domains)!, parse.GetValue(seed),
            parse.GetValue(share), parse.GetValue(l2), parse.GetValue(testRows), parse.GetValue(split)!, ct))));
        return command;
    }

    private static int Run(string dataRoot, int labelCount, string strategyList, string domainList, int seed, double share, double l2, int testRows, string split, CancellationToken ct)
    {
        var strategies = strategyList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Enum.TryParse<RetrainStrategy>(s, ignoreCase: true, out var parsed) ? parsed : throw new CliException($"--strategies: unknown strategy '{s}' (adapter, weighted, replay)."))
            .ToArray();
        var domains = domainList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string Review(string domain, string split) => Path.Combine(dataRoot, "sentiment", "reviews", domain, $"{split}.jsonl");
        var sstDev = Path.Combine(dataRoot, "sentiment", "sst2", "dev.jsonl");
        foreach (var file in domains.SelectMany(d => new[] { Review(d, "train"), Review(d, split) }).Append(sstDev))
        {
            if (!File.Exists(file))
            {
                throw new CliException($"Data file not found: {file}");
            }
        }

        var inference = new InferenceSettings();
        var cacheDirectory = EncoderCache.DefaultDirectory;
        var files = new EncoderCache(cacheDirectory).Ensure(EncoderDescriptor.MiniLmL6V2);
        using var encoder = new EncoderSession(files, new SessionFactory(inference));
        var features = new FeatureExtractor(new TextTokenizer(files.VocabularyPath, files.Descriptor.Uncased), encoder, 256, cacheDirectory);
        var progress = new ConsoleProgressBar();

        // Every evaluation set, encoded once (and cached on disk across runs).
        var evaluation = new Dictionary<string, (IReadOnlyList<LabeledText> Rows, TokenStates States)>(StringComparer.Ordinal);
        foreach (var (name, file) in domains.Select(d => ($"{d}/{split}", Review(d, split))).Append(("sst2/dev", sstDev)))
        {
            var rows = LabeledTextReader.Read(file);
            rows = testRows > 0 && name != "sst2/dev" ? [.. rows.Take(testRows)] : rows;
            evaluation[name] = (rows, features.TokenStates([.. rows.Select(r => r.Text)], progress, $"encode {name}"));
        }

        Console.WriteLine($"labels per domain: {labelCount}; seed {seed}; feedback share {share}; adapter L2 {l2}; cores: {Environment.ProcessorCount}");
        Console.WriteLine("| feedback from | strategy | decision | round (s) | " + string.Join(" | ", evaluation.Keys.Select(k => $"{k} (champion → challenger)")) + " |");
        Console.WriteLine("| --- | --- | --- | --- | " + string.Join(" | ", evaluation.Keys.Select(_ => "---")) + " |");
        Dictionary<string, double>? championScores = null;
        foreach (var domain in domains)
        {
            var pool = LabeledTextReader.Read(Review(domain, "train")).ToArray();
            new SeededRandom(unchecked((ulong)seed)).Shuffle(pool.AsSpan());
            var received = DateTimeOffset.UtcNow;
            var feedback = pool.Take(labelCount)
                .Select((r, i) => new StoredFeedback(i + 1, new FeedbackExample(NlpTask.Sentiment, r.Text, r.Label, Source: "bench"), received, false))
                .ToList();
            foreach (var strategy in strategies)
            {
                ct.ThrowIfCancellationRequested();
                var root = Path.Combine(Path.GetTempPath(), $"streamnlp-strategies-{Guid.NewGuid():N}");
                try
                {
                    var registry = new ModelRegistry(root);
                    registry.SeedFrom(new ModelRegistry(Models.Registry.ConfiguredRegistry.ShippedModelsDirectory));
                    var options = new RetrainerOptions { Strategy = strategy, FeedbackShare = share, AdapterL2 = l2 };
                    var runner = new ChallengeRunner(registry, features, files.Descriptor, options, inference, TimeProvider.System);
                    var clock = Stopwatch.StartNew();
                    var result = runner.Run(NlpTask.Sentiment, feedback, ct);
                    var seconds = clock.Elapsed.TotalSeconds;
                    var sessions = new SessionFactory(inference);
                    using var championHead = new TaskHead(NlpTask.Sentiment, registry.VersionDirectory(NlpTask.Sentiment, result.ChampionVersion), registry.Verify(NlpTask.Sentiment, result.ChampionVersion), sessions);
                    using var challengerHead = new TaskHead(NlpTask.Sentiment, registry.VersionDirectory(NlpTask.Sentiment, result.Challenger.Version), result.Challenger, sessions);
                    championScores ??= evaluation.ToDictionary(e => e.Key, e => Accuracy(championHead, e.Value.Rows, e.Value.States), StringComparer.Ordinal);
                    var cells = evaluation.Select(e =>
                    {
                        var challenger = Accuracy(challengerHead, e.Value.Rows, e.Value.States);
                        var champion = championScores[e.Key];
                        return string.Create(CultureInfo.InvariantCulture, $"{champion:P1} → {challenger:P1} ({(challenger - champion) * 100:+0.0;-0.0})");
                    });
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {domain} | {strategy.ToString().ToLowerInvariant()} | {result.Run.Decision} | {seconds:0.0} | {string.Join(" | ", cells)} |"));
                    Console.Error.WriteLine($"  {domain}/{strategy}: {result.Decision.Reason}; champion {Format(result.Run.Champion)}; challenger {Format(result.Run.Challenger)}");
                    Console.Error.Write(File.ReadAllText(Path.Combine(registry.VersionDirectory(NlpTask.Sentiment, result.Challenger.Version), "report.txt")));
                }
                finally
                {
                    try
                    {
                        Directory.Delete(root, recursive: true);
                    }
                    catch (IOException)
                    {
                        // best effort
                    }
                }
            }
        }

        return 0;
    }

    private static string Format(IReadOnlyDictionary<string, double> metrics) =>
        string.Join(" ", metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key}={m.Value:0.000}")));

    private static double Accuracy(TaskHead head, IReadOnlyList<LabeledText> rows, TokenStates states)
    {
        var predicted = HeadScoring.PredictLabels(head, states);
        return rows.Select((r, i) => predicted[i] == r.Label).Count(c => c) / (double)Math.Max(1, rows.Count);
    }
}
