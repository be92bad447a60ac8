using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using StreamNlp.Cli.Commands;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Configuration;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Inference;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Segmentation;
using StreamNlp.Training.Data;
using StreamNlp.Training.Evaluation;

namespace StreamNlp.Cli.Benchmarks;

/// <summary>
/// <c>streamnlp bench quality</c>: the serving models (the registry's current versions, through the worker's own
/// <see cref="ModelBundle"/>) scored on every public dev set in the shared data, in-domain and out-of-domain side by
/// side. Sentiment is reported on SST-2 dev as a whole, on its rows that occur in no training text ("unseen"), on its
/// rows of 15 words or more (whole sentences, like real input), and on the dev split of each review domain, which no
/// shipped model trains on. NER is reported per entity type on CoNLL valid, and on CoNLL valid lower-cased (text
/// without the casing news has).
/// </summary>
internal static class QualityBenchmark
{
    private const int LongRowWords = 15;
    private static readonly string[] Domains = ["airline", "books", "dvd"];

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The shared data folder (topic/agnews, sentiment/sst2, sentiment/reviews/<domain>, ner/conll2003).", Required = true };
        var models = new Option<string?>("--models") { Description = "Model registry folder (default: as `streamnlp run`)." };
        var precision = new Option<EncoderPrecision>("--precision")
        {
            Description = "Encoder weights, as StreamNlp:Models:Precision.",
            DefaultValueFactory = _ => new ModelOptions().Precision,
        };
        var json = new Option<bool>("--json") { Description = "End with one JSON line holding every figure." };
        var maxTokens = new Option<int>("--max-tokens") { DefaultValueFactory = _ => 256 };
        var encoder = Commands.CommonOptions.Encoder();
        var segmentation = Commands.CommonOptions.Segmentation();
        var command = new Command("quality", "Score the serving models on every shared dev set, in-domain and out-of-domain side by side (SST-2 unseen and long rows, review domains, NER per type and lower-cased).")
        {
            data, models, precision, json, maxTokens, encoder, segmentation,
        };
        command.SetAction((parse, ct) => CommandRunner.Guard(() => Task.FromResult(Run(
            parse.GetValue(data)!, parse.GetValue(models), parse.GetValue(precision), parse.GetValue(json), parse.GetValue(maxTokens), parse.GetValue(encoder)!, parse.GetValue(segmentation), ct))));
        return command;
    }

    private static int Run(string root, string? models, EncoderPrecision precision, bool json, int maxTokens, string encoder, TextSegmentation segmentation, CancellationToken ct)
    {
        string Path_(params string[] parts)
        {
            var path = Path.Combine([root, .. parts]);
            return File.Exists(path) ? path : throw new CliException($"--data: {path} not found (expected the shared data folder).");
        }

        var registry = ConfiguredRegistry.Open(new ModelOptions { Directory = models });
        using var bundle = ModelBundle.Load(registry, new EncoderCache(EncoderCache.DefaultDirectory), new InferenceSettings(Precision: precision) { Encoder = encoder, Segmentation = segmentation }, NullLogger.Instance);
        Console.WriteLine(
            $"segmentation {segmentation}; models: {registry.Root} ({string.Join(", ", bundle.Heads.Select(h => $"{h.Key.ToName()} {h.Value.Version} ({StreamNlp.Training.HeadFamilies.HeadFamilyCatalog.Default.Describe(h.Value.Manifest)})"))}); " +
            $"encoder {bundle.Encoder.Files.Descriptor.Version}, {bundle.Provider}");
        var rows = new List<QualityFigure>();

        // Topic: AG News dev (in-domain).
        var agDev = LabeledTextReader.Read(Path_("topic", "agnews", "dev.jsonl"));
        rows.Add(Accuracy(NlpTask.Classification, "agnews/dev", "in-domain", agDev, Predict(bundle, NlpTask.Classification, agDev, maxTokens)));
        ct.ThrowIfCancellationRequested();

        // Sentiment: SST-2 dev and its subsets, then each review domain's dev split.
        var sstTrain = LabeledTextReader.Read(Path_("sentiment", "sst2", "train.jsonl")).Select(r => r.Text).ToArray();
        var sstDev = LabeledTextReader.Read(Path_("sentiment", "sst2", "dev.jsonl"));
        var sstPredicted = Predict(bundle, NlpTask.Sentiment, sstDev, maxTokens);
        var unseen = sstDev.AsParallel().AsOrdered().Select(d => !sstTrain.Any(t => t.Contains(d.Text, StringComparison.Ordinal))).ToArray();
        var longRow = sstDev.Select(d => d.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= LongRowWords).ToArray();
        rows.Add(Accuracy(NlpTask.Sentiment, "sst2/dev", "in-domain", sstDev, sstPredicted));
        rows.Add(Subset(NlpTask.Sentiment, "sst2/dev unseen (in no training text)", "in-domain", sstDev, sstPredicted, unseen));
        rows.Add(Subset(NlpTask.Sentiment, $"sst2/dev ≥ {LongRowWords} words", "in-domain", sstDev, sstPredicted, longRow));
        rows.Add(Subset(NlpTask.Sentiment, $"sst2/dev unseen and ≥ {LongRowWords} words", "in-domain", sstDev, sstPredicted, [.. unseen.Zip(longRow, (a, b) => a && b)]));
        foreach (var domain in Domains)
        {
            ct.ThrowIfCancellationRequested();
            var reviews = LabeledTextReader.Read(Path_("sentiment", "reviews", domain, "dev.jsonl"));
            rows.Add(Accuracy(NlpTask.Sentiment, $"reviews/{domain}/dev", "out-of-domain", reviews, Predict(bundle, NlpTask.Sentiment, reviews, maxTokens)));
        }

        // NER: CoNLL valid as written (per type) and lower-cased.
        var valid = ConllReader.Read(Path_("ner", "conll2003", "valid.txt"));
        foreach (var (name, domain, sentences) in new[]
        {
            ("conll2003/valid", "in-domain", valid),
            ("conll2003/valid lower-cased", "out-of-domain", (IReadOnlyList<ConllSentence>)[.. valid.Select(RealFeedback.Lowercase)]),
        })
        {
            ct.ThrowIfCancellationRequested();
            var evaluation = ModelEvaluator.EvaluateNer(bundle, sentences, maxTokens);
            var perType = evaluation.Detail["perType"]!.AsObject()
                .ToDictionary(p => p.Key, p => Math.Round(100 * p.Value!["f1"]!.GetValue<double>(), 1));
            rows.Add(new QualityFigure(NlpTask.Ner.ToName(), name, domain, sentences.Count, "entity F1", Math.Round(100 * evaluation.Metrics["f1"], 1), perType));
        }

        Console.WriteLine();
        Console.WriteLine("| task | data | domain | rows | metric | value | per type |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in rows)
        {
            var types = row.PerType is null ? string.Empty : string.Join(", ", row.PerType.Select(p => $"{p.Key} {p.Value.ToString("0.0", CultureInfo.InvariantCulture)}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {row.Task} | {row.Data} | {row.Domain} | {row.Rows} | {row.Metric} | {row.Value:0.0} | {types} |"));
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(rows));
        }

        return 0;
    }

    private static string[] Predict(ModelBundle bundle, NlpTask task, IReadOnlyList<LabeledText> data, int maxTokens) =>
        [.. ModelEvaluator.Annotate(bundle, [.. data.Select(d => d.Text)], maxTokens)
            .Select(a => (task == NlpTask.Classification ? a.Classification : a.Sentiment)!.Label)];

    private static QualityFigure Accuracy(NlpTask task, string name, string domain, IReadOnlyList<LabeledText> data, string[] predicted) =>
        Subset(task, name, domain, data, predicted, [.. data.Select(_ => true)]);

    private static QualityFigure Subset(NlpTask task, string name, string domain, IReadOnlyList<LabeledText> data, string[] predicted, bool[] include)
    {
        int total = 0, correct = 0;
        for (var i = 0; i < data.Count; i++)
        {
            if (include[i])
            {
                total++;
                correct += predicted[i] == data[i].Label ? 1 : 0;
            }
        }

        return new QualityFigure(task.ToName(), name, domain, total, "accuracy", total == 0 ? 0 : Math.Round(100.0 * correct / total, 1), null);
    }
}
