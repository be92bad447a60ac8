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
using StreamNlp.Models.Segmentation;
using StreamNlp.Models.Tokenization;
using StreamNlp.Retrainer.Challengers;
using StreamNlp.Retrainer.Challengers.Strategies;
using StreamNlp.Retrainer.Configuration;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Models.Ner;
using StreamNlp.Retrainer.Challengers.Ner;
using StreamNlp.Training.Data;
using StreamNlp.Training.Evaluation;
using StreamNlp.Training.Replay;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// <c>streamnlp bench strategies</c>: the retraining strategies side by side on real data (<see cref="RealFeedback"/>).
/// Sentiment: for each review domain, N labelled reviews from its training split become feedback to the shipped
/// model, scored on every domain's test (or dev) split and on SST-2 dev. Topic: N AG News rows, scored on AG News dev.
/// NER: N lower-cased CoNLL sentences, scored on CoNLL valid as written and lower-cased. Each strategy runs one
/// retraining round exactly as the retrainer does (same runner, same gate, the shipped replay set).
/// </summary>
internal static class FeedbackStrategyBenchmark
{
    private static readonly string[] Domains = ["airline", "books", "dvd"];

    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "sentiment (review domains), classification (AG News) or ner (lower-cased CoNLL).", DefaultValueFactory = _ => "sentiment" };
        var data = new Option<string>("--data") { Description = "The shared data folder (sentiment/reviews/<domain>/{train,test}.jsonl, sentiment/sst2/dev.jsonl).", Required = true };
        var labels = new Option<int>("--labels") { Description = "Feedback labels per domain.", DefaultValueFactory = _ => 500 };
        var strategies = new Option<string>("--strategies") { Description = "Comma-separated: adapter, weighted, replay.", DefaultValueFactory = _ => "adapter,weighted,replay" };
        var domains = new Option<string>("--domains") { Description = "Comma-separated review domains.", DefaultValueFactory = _ => string.Join(',', Domains) };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 7 };
        var share = new Option<double>("--feedback-share") { DefaultValueFactory = _ => new RetrainerOptions().FeedbackShare };
        var l2 = new Option<double?>("--adapter-l2") { Description = "The adapter's L2 (default: StreamNlp:Retrainer:AdapterL2, or TokenAdapterL2 for ner)." };
        var testRows = new Option<int>("--test-rows") { Description = "Rows of each review split to score (0: all).", DefaultValueFactory = _ => 0 };
        var split = new Option<string>("--eval-split") { Description = "Review split to score on: test, or dev (for choosing settings).", DefaultValueFactory = _ => "test" };
        var keep = new Option<string?>("--keep") { Description = "Keep each round's registry (champion and challenger) under this folder, as <round>-<strategy>/, to serve or evaluate the challenger (streamnlp models promote, streamnlp eval)." };
        var command = new Command("strategies", "Compare retraining strategies: feedback from one review domain, scored in that domain, in the other domains and on SST-2 dev.")
        {
            data, task, labels, strategies, domains, seed, share, l2, testRows, split, keep,
        };
        command.SetAction((parse, ct) => CommandRunner.Guard(() => Task.FromResult(Run(
            parse.GetValue(data)!, NlpTaskNames.TryParse(parse.GetValue(task), out var parsedTask) ? parsedTask : throw new CliException($"--task '{parse.GetValue(task)}' is not one of classification, sentiment, ner."), parse.GetValue(labels), parse.GetValue(strategies)!, parse.GetValue(domains)!, parse.GetValue(seed),
            parse.GetValue(share), parse.GetValue(l2), parse.GetValue(testRows), parse.GetValue(split)!, parse.GetValue(keep), ct))));
        return command;
    }

    private static int Run(string dataRoot, NlpTask task, int labelCount, string strategyList, string domainList, int seed, double share, double? l2, int testRows, string split, string? keep, CancellationToken ct)
    {
        var strategies = strategyList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Enum.TryParse<RetrainStrategy>(s, ignoreCase: true, out var parsed) ? parsed : throw new CliException($"--strategies: unknown strategy '{s}' (adapter, weighted, replay)."))
            .ToArray();
        var shipped = new ModelRegistry(Models.Registry.ConfiguredRegistry.ShippedModelsDirectory);
        var shippedVersion = shipped.CurrentVersion(task) ?? throw new CliException($"No shipped {task.ToName()} model.");

        // The encoder the shipped champion was trained on (published or adapted).
        var inference = new InferenceSettings();
        var cacheDirectory = EncoderCache.DefaultDirectory;
        var files = new EncoderCache(cacheDirectory).Ensure(shipped.Verify(task, shippedVersion).Encoder.Name, EncoderPrecision.Fp32);
        inference = inference with { Encoder = files.Descriptor.Name };
        using var encoder = new EncoderSession(files, new SessionFactory(inference));
        var tokenizer = new TextTokenizer(files.VocabularyPath, files.Descriptor.Uncased);
        var features = new FeatureExtractor(tokenizer, encoder, 256, cacheDirectory);
        var progress = new ConsoleProgressBar();
        var replay = ReplaySet.Load(shipped.VersionDirectory(task, shippedVersion), shipped.Verify(task, shippedVersion), task);
        var championLayers = Training.HeadFamilies.HeadFamilyCatalog.Default.ChoiceOf(shipped.Verify(task, shippedVersion)).Options.EncoderLayers;

        // What each round is scored on (encoded once, cached on disk across runs), and the feedback of each row of the table.
        var evaluation = new List<(string Name, Func<TaskHead, double> Score)>();
        var rounds = new List<(string Name, IReadOnlyList<FeedbackExample> Feedback)>();
        void Check(string file)
        {
            if (!File.Exists(file))
            {
                throw new CliException($"Data file not found: {file}");
            }
        }

        void AddTexts(string name, string file)
        {
            Check(file);
            var rows = LabeledTextReader.Read(file);
            rows = testRows > 0 && name.Contains("reviews", StringComparison.Ordinal) ? [.. rows.Take(testRows)] : rows;
            // As the worker reads them: each text's sentences, combined.
            var sentences = FeedbackSentences.Of([.. rows.Select(r => r.Text)], new TextSegmenter(tokenizer, inference.Segmentation), features.MaxTokens);
            var states = features.TokenStates(sentences.Sentences, progress, $"encode {name}", championLayers);
            evaluation.Add((name, head => Accuracy(head, rows, sentences, states)));
        }

        switch (task)
        {
            case NlpTask.Sentiment:
                var domains = domainList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                foreach (var domain in Domains)
                {
                    AddTexts($"reviews/{domain}/{split}", RealFeedback.ReviewFile(dataRoot, domain, split));
                }

                AddTexts("sst2/dev", Path.Combine(dataRoot, "sentiment", "sst2", "dev.jsonl"));
                foreach (var domain in domains)
                {
                    Check(RealFeedback.ReviewFile(dataRoot, domain, "train"));
                    rounds.Add((domain, RealFeedback.Sentiment(dataRoot, domain, labelCount, seed)));
                }

                break;
            case NlpTask.Classification:
                AddTexts("agnews/dev", RealFeedback.AgNews(dataRoot, "dev"));
                rounds.Add(("agnews train (in-domain)", RealFeedback.Topic(dataRoot, labelCount, seed, (replay?.Texts?.Train ?? []).Select(t => t.Text).ToHashSet(StringComparer.Ordinal))));
                break;
            default:
                Check(RealFeedback.Conll(dataRoot, "valid"));
                var valid = ConllReader.Read(RealFeedback.Conll(dataRoot, "valid"));
                foreach (var (name, sentences) in new[] { ("conll/valid", valid), ("conll/valid lower-cased", valid.Select(RealFeedback.Lowercase).ToList()) })
                {
                    var examples = sentences.Select(s => NerFeedbackConversion.FromConll(tokenizer, s)).ToList();
                    var states = features.TokenStates([.. examples.Select(e => e.Text)], progress, $"encode {name}");
                    evaluation.Add((name, head => EntityMetrics.FromSpans([.. examples.Select(e => e.Gold)], [.. HeadScoring.PredictWordTags(head, states).Select(BioSpans.FromTags)]).Overall.F1));
                }

                var replayTexts = (replay?.Sentences?.Train ?? []).Select(s => ConllReader.ToText(s).Text).ToHashSet(StringComparer.Ordinal);
                rounds.Add(("conll train, lower-cased", RealFeedback.Ner(dataRoot, labelCount, seed, replayTexts)));
                break;
        }

        var metric = task == NlpTask.Ner ? "entity F1" : "accuracy";
        Console.WriteLine($"task: {task.ToName()}; labels per round: {labelCount}; seed {seed}; feedback share {share}; adapter L2 {l2 ?? (task == NlpTask.Ner ? new RetrainerOptions().TokenAdapterL2 : new RetrainerOptions().AdapterL2)}; {metric}; cores: {Environment.ProcessorCount}");
        Console.WriteLine("| feedback from | strategy | decision | round (s) | " + string.Join(" | ", evaluation.Select(e => $"{e.Name} (champion → challenger)")) + " |");
        Console.WriteLine("| --- | --- | --- | --- | " + string.Join(" | ", evaluation.Select(_ => "---")) + " |");
        Dictionary<string, double>? championScores = null;
        foreach (var (roundName, examples) in rounds)
        {
            var received = DateTimeOffset.UtcNow;
            var feedback = examples.Select((e, i) => new StoredFeedback(i + 1, e, received, false)).ToList();
            foreach (var strategy in strategies)
            {
                ct.ThrowIfCancellationRequested();
                var root = Path.Combine(Path.GetTempPath(), $"streamnlp-strategies-{Guid.NewGuid():N}");
                try
                {
                    var registry = new ModelRegistry(root);
                    registry.SeedFrom(shipped);
                    var options = new RetrainerOptions { Strategy = strategy, FeedbackShare = share };
                    if (l2 is { } chosen)
                    {
                        if (task == NlpTask.Ner)
                        {
                            options.TokenAdapterL2 = chosen;
                        }
                        else
                        {
                            options.AdapterL2 = chosen;
                        }
                    }
                    var runner = new ChallengeRunner(registry, features, files.Descriptor, options, inference, TimeProvider.System);
                    var clock = Stopwatch.StartNew();
                    var result = runner.Run(task, feedback, ct);
                    var seconds = clock.Elapsed.TotalSeconds;
                    var sessions = new SessionFactory(inference);
                    using var championHead = new TaskHead(task, registry.VersionDirectory(task, result.ChampionVersion), registry.Verify(task, result.ChampionVersion), sessions);
                    using var challengerHead = new TaskHead(task, registry.VersionDirectory(task, result.Challenger.Version), result.Challenger, sessions);
                    championScores ??= evaluation.ToDictionary(e => e.Name, e => e.Score(championHead), StringComparer.Ordinal);
                    var cells = evaluation.Select(e =>
                    {
                        var challenger = e.Score(challengerHead);
                        var champion = championScores[e.Name];
                        return string.Create(CultureInfo.InvariantCulture, $"{champion * 100:0.0} → {challenger * 100:0.0} ({(challenger - champion) * 100:+0.0;-0.0})");
                    });
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {roundName} | {strategy.ToString().ToLowerInvariant()} | {result.Run.Decision} | {seconds:0.0} | {string.Join(" | ", cells)} |"));
                    Console.Error.WriteLine($"  {roundName}/{strategy}: {result.Decision.Reason}; champion {Format(result.Run.Champion)}; challenger {Format(result.Run.Challenger)}");
                    Console.Error.Write(File.ReadAllText(Path.Combine(registry.VersionDirectory(task, result.Challenger.Version), "report.txt")));
                    if (keep is not null)
                    {
                        var kept = Path.Combine(keep, $"{string.Concat(roundName.Split(Path.GetInvalidFileNameChars().Append(' ').ToArray()))}-{strategy.ToString().ToLowerInvariant()}");
                        Directory.CreateDirectory(keep);
                        Directory.Move(root, kept);
                        Console.Error.WriteLine($"  kept in {kept}: champion {result.ChampionVersion}, challenger {result.Challenger.Version} (streamnlp models promote --models {kept} --task {task.ToName()} --version {result.Challenger.Version})");
                    }
                }
                finally
                {
                    try
                    {
                        if (Directory.Exists(root))
                        {
                            Directory.Delete(root, recursive: true);
                        }
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

    private static double Accuracy(TaskHead head, IReadOnlyList<LabeledText> rows, FeedbackSentences sentences, TokenStates states)
    {
        var labels = head.Labels.Count;
        var probabilities = sentences.Combine(head.Task, HeadScoring.Probabilities(head, states), labels);
        return rows.Select((r, i) => head.Labels[System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities.AsSpan(i * labels, labels))] == r.Label).Count(c => c) / (double)Math.Max(1, rows.Count);
    }
}
