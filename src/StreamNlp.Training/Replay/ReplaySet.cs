using System.Text;
using System.Text.Json;
using StreamNlp.Core.Hashing;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Registry;
using StreamNlp.Training.Data;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Training.Replay;

/// <summary>
/// A bounded, seeded sample of a model's base data, kept in the model's version folder so that retraining needs no
/// path into a data folder: training rows to replay next to new feedback, and dev rows for the forgetting check.
/// Sentence tasks keep JSONL <c>{"text","label"}</c> (<see cref="Texts"/>); NER keeps two-column CoNLL with IOB2 tags
/// (<see cref="Sentences"/>).
/// </summary>
public sealed record ReplaySet
{
    /// <summary>Default training rows (sentences for NER) a replay set keeps.</summary>
    public const int DefaultTrainRows = 4000;

    /// <summary>Default dev rows a replay set keeps.</summary>
    public const int DefaultDevRows = 1000;

    /// <summary>Default seed of the sample.</summary>
    public const int DefaultSeed = 17;

    public required NlpTask Task { get; init; }

    public ReplayTexts? Texts { get; init; }

    public ReplaySentences? Sentences { get; init; }

    /// <summary>What the manifest records about the sample.</summary>
    public required ReplayRecord Record { get; init; }

    /// <summary>File names in a version folder.</summary>
    public static (string Train, string Dev) FileNames(NlpTask task) => task == NlpTask.Ner
        ? ("replay-train.conll", "replay-dev.conll")
        : ("replay-train.jsonl", "replay-dev.jsonl");

    /// <summary>
    /// Draws a replay set from base data files (JSONL, or CoNLL for NER): training rows that also occur in dev are
    /// left out, then at most <paramref name="trainRows"/> and <paramref name="devRows"/> rows are drawn with
    /// <paramref name="seed"/>. The same files, limits and seed always give the same sample.
    /// </summary>
    public static ReplaySet Sample(NlpTask task, string trainFile, string devFile, int trainRows = DefaultTrainRows, int devRows = DefaultDevRows, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainRows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(devRows);
        foreach (var file in new[] { trainFile, devFile })
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"Base data for {task.ToName()} not found: {file}", file);
            }
        }

        var names = FileNames(task);
        var random = new SeededRandom(unchecked((ulong)seed));
        if (task == NlpTask.Ner)
        {
            var dev = ConllReader.Read(devFile);
            var train = DevOverlap.Remove(ConllReader.Read(trainFile), dev, out _);
            var sentences = new ReplaySentences(Draw(train, trainRows, random.Fork()), Draw(dev, devRows, random.Fork()));
            return new ReplaySet { Task = task, Sentences = sentences, Record = Describe(names, sentences.Train.Count, sentences.Dev.Count, seed, trainFile, devFile) };
        }

        var devTexts = LabeledTextReader.Read(devFile);
        var trainTexts = DevOverlap.Remove(LabeledTextReader.Read(trainFile), devTexts, out _);
        var texts = new ReplayTexts(Draw(trainTexts, trainRows, random.Fork()), Draw(devTexts, devRows, random.Fork()));
        return new ReplaySet { Task = task, Texts = texts, Record = Describe(names, texts.Train.Count, texts.Dev.Count, seed, trainFile, devFile) };
    }

    /// <summary>The replay set a version folder's manifest names (its files are checked by the registry's verification); null when it has none.</summary>
    /// <exception cref="ModelIntegrityException">A file the manifest names is missing or unreadable.</exception>
    public static ReplaySet? Load(string versionDirectory, HeadManifest manifest, NlpTask task)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Replay is not { } record)
        {
            return null;
        }

        var train = Path.Combine(versionDirectory, record.TrainFile);
        var dev = Path.Combine(versionDirectory, record.DevFile);
        if (!File.Exists(train) || !File.Exists(dev))
        {
            throw new ModelIntegrityException($"{versionDirectory}: the manifest names replay files {record.TrainFile} and {record.DevFile}, but they are not there.");
        }

        try
        {
            return task == NlpTask.Ner
                ? new ReplaySet { Task = task, Record = record, Sentences = new ReplaySentences(ConllReader.Read(train), ConllReader.Read(dev)) }
                : new ReplaySet { Task = task, Record = record, Texts = new ReplayTexts(LabeledTextReader.Read(train), LabeledTextReader.Read(dev)) };
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidDataException)
        {
            throw new ModelIntegrityException($"{versionDirectory}: unreadable replay set: {ex.Message}");
        }
    }

    /// <summary>Writes the two files into <paramref name="versionDirectory"/> and returns their names (to list in the manifest).</summary>
    public IReadOnlyList<string> WriteTo(string versionDirectory)
    {
        Directory.CreateDirectory(versionDirectory);
        var train = Path.Combine(versionDirectory, Record.TrainFile);
        var dev = Path.Combine(versionDirectory, Record.DevFile);
        if (Sentences is { } sentences)
        {
            WriteConll(train, sentences.Train);
            WriteConll(dev, sentences.Dev);
        }
        else if (Texts is { } texts)
        {
            WriteJsonl(train, texts.Train);
            WriteJsonl(dev, texts.Dev);
        }

        return [Record.TrainFile, Record.DevFile];
    }

    private static ReplayRecord Describe((string Train, string Dev) names, int trainRows, int devRows, int seed, string trainFile, string devFile) => new()
    {
        TrainFile = names.Train,
        DevFile = names.Dev,
        TrainRows = trainRows,
        DevRows = devRows,
        Seed = seed,
        Source = $"{Path.GetFileName(trainFile)}, {Path.GetFileName(devFile)}",
        SourceSha256 = FileHash.Sha256Of(trainFile),
    };

    /// <summary>At most <paramref name="count"/> items, drawn without replacement, in their original order.</summary>
    private static IReadOnlyList<T> Draw<T>(IReadOnlyList<T> items, int count, SeededRandom random)
    {
        if (items.Count <= count)
        {
            return items;
        }

        var indices = Enumerable.Range(0, items.Count).ToArray();
        random.Shuffle(indices.AsSpan());
        return [.. indices.Take(count).Order().Select(i => items[i])];
    }

    private static void WriteJsonl(string path, IReadOnlyList<LabeledText> rows)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        foreach (var row in rows)
        {
            writer.Write(JsonSerializer.Serialize(new Dictionary<string, string> { ["text"] = row.Text, ["label"] = row.Label }));
            writer.Write('\n');
        }
    }

    private static void WriteConll(string path, IReadOnlyList<ConllSentence> sentences)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        foreach (var sentence in sentences)
        {
            for (var i = 0; i < sentence.Tokens.Count; i++)
            {
                writer.Write(sentence.Tokens[i]);
                writer.Write('\t');
                writer.Write(sentence.Tags[i]);
                writer.Write('\n');
            }

            writer.Write('\n');
        }
    }
}
