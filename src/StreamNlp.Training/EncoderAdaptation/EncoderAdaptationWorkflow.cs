using Google.Protobuf;
using System.Globalization;
using Onnx;
using StreamNlp.Core.Hashing;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Ner;
using StreamNlp.Training.Data;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>
/// <c>streamnlp train encoder</c>: tunes the top blocks of the published encoder jointly on SST-2 (sentiment), AG News
/// (topic) and CoNLL-2003 (NER) from the shared data layout, scores the review domains' dev sets with the sentiment
/// adaptation head as out-of-domain figures, and writes the adapted encoder's definition and weight delta into
/// <c>&lt;out&gt;/&lt;name&gt;/</c>. The graph is rebuilt from them (and verified) into the encoder cache.
/// </summary>
public sealed class EncoderAdaptationWorkflow(FeatureExtractor features, EncoderFiles published, string cacheDirectory)
{
    public const string DeltaFileName = "delta.onnx";

    public Action<string>? Notice { get; init; }

    public EncoderAdaptationOutcome Run(
        string dataRoot,
        EncoderAdaptationOptions options,
        string name,
        string outputRoot,
        IProgress<EncodingProgress>? encoding = null,
        IProgress<AdaptationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var blocks = features.Blocks;
        if (options.TopBlocks < 1 || options.TopBlocks > blocks)
        {
            throw new ArgumentException($"--top-blocks must be 1 to {blocks}.", nameof(options));
        }

        var heads = published.Descriptor.AttentionHeads;
        if (heads <= 0)
        {
            throw new InvalidOperationException($"{published.Descriptor.Name} does not say how many attention heads its blocks have.");
        }

        var bottom = blocks - options.TopBlocks;
        var random = new SeededRandom((ulong)options.Seed + 1);
        string File(params string[] parts) => RequireFile(Path.Combine([dataRoot, .. parts]));

        var tasks = new List<AdaptationTask>
        {
            SentenceTask("sentiment", File("sentiment", "sst2", "train.jsonl"), File("sentiment", "sst2", "dev.jsonl"), bottom, options, random, encoding) with
            {
                OutOfDomain = [.. new[] { "airline", "books", "dvd" }
                    .Select(d => (Domain: d, Path: Path.Combine(dataRoot, "sentiment", "reviews", d, "dev.jsonl")))
                    .Where(d => System.IO.File.Exists(d.Path))
                    .Select(d => EvaluationSet(d.Domain, d.Path, bottom, ["negative", "positive"], encoding))],
            },
            SentenceTask("topic", File("topic", "agnews", "train.jsonl"), File("topic", "agnews", "dev.jsonl"), bottom, options, random, encoding),
            TokenTask("ner", File("ner", "conll2003", "train.txt"), File("ner", "conll2003", "valid.txt"), bottom, options, random, encoding),
        };

        var model = ModelProto.Parser.ParseFrom(System.IO.File.ReadAllBytes(published.ModelPath));
        var tuned = Enumerable.Range(bottom, options.TopBlocks).ToArray();
        var managed = tuned.Select(b => EncoderBlockWeights.Read(model, b, heads)).ToArray();
        var result = new EncoderAdaptationTrainer(options).Train(managed, tasks, progress, Notice, cancellationToken);

        var folder = Path.Combine(outputRoot, name);
        Directory.CreateDirectory(folder);
        var deltaPath = Path.Combine(folder, DeltaFileName);
        var initializers = tuned.SelectMany((b, i) => EncoderBlockWeights.Initializers(model, b, result.Blocks[i])).ToList();
        EncoderWeightDelta.Write(deltaPath, initializers, new Dictionary<string, string>
        {
            ["streamnlp.adapted_encoder"] = name,
            ["streamnlp.base_encoder"] = published.Descriptor.Name,
            ["streamnlp.base_sha256"] = published.Descriptor.ModelSha256,
            ["streamnlp.tuned_blocks"] = string.Join(",", tuned),
        });
        EncoderWeightDelta.Apply(model, deltaPath); // the graph already parsed, as the builder will rebuild it at first use
        var bytes = model.ToByteArray();
        var training = new Dictionary<string, string>
        {
            ["options"] = options.ToString(),
            ["steps"] = result.Steps.ToString(CultureInfo.InvariantCulture),
            ["seconds"] = result.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture),
            ["data"] = string.Join(", ", tasks.Select(t => $"{t.Name}: {t.Train.Texts.Count} train texts")),
            ["before"] = EncoderAdaptationTrainer.Describe(result.Before),
            ["after"] = EncoderAdaptationTrainer.Describe(result.After),
            ["createdAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        var definition = new AdaptedEncoderDefinition(
            name, published.Descriptor.Name, published.Descriptor.ModelSha256, DeltaFileName, FileHash.Sha256Of(deltaPath), FileHash.Sha256Of(bytes), tuned)
        { Training = training };
        AdaptedEncoderCatalog.WriteDefinition(folder, definition);
        var files = new AdaptedEncoderBuilder(cacheDirectory).Ensure(published, definition, folder);
        return new EncoderAdaptationOutcome(definition, folder, files, result);
    }

    private AdaptationTask SentenceTask(string name, string trainPath, string devPath, int bottom, EncoderAdaptationOptions options, SeededRandom random, IProgress<EncodingProgress>? encoding)
    {
        var train = Sample(LabeledTextReader.Read(trainPath), options.MaxTrainTextsPerTask, random);
        var dev = LabeledTextReader.Read(devPath);
        string[] labels = [.. train.Select(t => t.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var trainStates = features.LayerTokenStates([.. train.Select(t => t.Text)], bottom, encoding, $"{name} train");
        var devStates = features.LayerTokenStates([.. dev.Select(t => t.Text)], bottom, encoding, $"{name} dev");
        return new AdaptationTask(name, AdaptationTaskKind.Sentence, labels, trainStates, LabelIndices(train, labels), devStates, LabelIndices(dev, labels));
    }

    private AdaptationEvaluationSet EvaluationSet(string name, string path, int bottom, string[] labels, IProgress<EncodingProgress>? encoding)
    {
        var rows = LabeledTextReader.Read(path);
        return new AdaptationEvaluationSet(name, features.LayerTokenStates([.. rows.Select(t => t.Text)], bottom, encoding, name), LabelIndices(rows, labels));
    }

    private AdaptationTask TokenTask(string name, string trainPath, string devPath, int bottom, EncoderAdaptationOptions options, SeededRandom random, IProgress<EncodingProgress>? encoding)
    {
        var train = Sample(ConllReader.Read(trainPath), options.MaxTrainTextsPerTask, random);
        var dev = ConllReader.Read(devPath);
        var tagSet = NerAlignment.TagSetOf(train);
        (TokenStates States, int[] Labels) Encode(IReadOnlyList<ConllSentence> sentences, string stage)
        {
            var texts = sentences.Select(ConllReader.ToText).ToArray();
            var states = features.LayerTokenStates([.. texts.Select(t => t.Text)], bottom, encoding, stage);
            var labels = Enumerable.Repeat(-1, states.PositionCount).ToArray();
            for (var s = 0; s < sentences.Count; s++)
            {
                var tokenized = states.Texts[s];
                var words = NerAlignment.WordLabels(tokenized, texts[s], sentences[s].Tags, tagSet, out _);
                for (var w = 0; w < words.Length; w++)
                {
                    labels[states.Offsets[s] + tokenized.WordFirstToken[w]] = words[w];
                }
            }

            return (states, labels);
        }

        var (trainStates, trainLabels) = Encode(train, $"{name} train");
        var (devStates, devLabels) = Encode(dev, $"{name} dev");
        return new AdaptationTask(name, AdaptationTaskKind.Token, tagSet.Labels, trainStates, trainLabels, devStates, devLabels);
    }

    private static int[] LabelIndices(IReadOnlyList<LabeledText> rows, string[] labels) =>
        [.. rows.Select(r => Array.IndexOf(labels, r.Label) is var i and >= 0 ? i : throw new InvalidDataException($"Label '{r.Label}' is not among the training labels ({string.Join(", ", labels)})."))];

    private static IReadOnlyList<T> Sample<T>(IReadOnlyList<T> rows, int max, SeededRandom random)
    {
        if (max <= 0 || rows.Count <= max)
        {
            return rows;
        }

        var order = Enumerable.Range(0, rows.Count).ToArray();
        random.Shuffle(order.AsSpan());
        return [.. order.Take(max).Order().Select(i => rows[i])];
    }

    private static string RequireFile(string path) =>
        System.IO.File.Exists(path) ? path : throw new FileNotFoundException($"Adaptation data not found: {path} (expected the layout of ../shared/data, see its README).", path);
}
