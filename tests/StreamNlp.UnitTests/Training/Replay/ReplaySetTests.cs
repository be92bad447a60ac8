using StreamNlp.Core.Tasks;
using StreamNlp.Models.Registry;
using StreamNlp.Training.Replay;

namespace StreamNlp.UnitTests.Training.Replay;

public sealed class ReplaySetTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"streamnlp-replay-{Guid.NewGuid():N}");

    public ReplaySetTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Sample_IsBoundedSeededAndLeavesDevRowsOutOfTraining()
    {
        var train = Jsonl("train.jsonl", Enumerable.Range(0, 100).Select(i => ($"text {i}", i % 2 == 0 ? "a" : "b")));
        var dev = Jsonl("dev.jsonl", Enumerable.Range(95, 20).Select(i => ($"text {i}", "a")));

        var first = ReplaySet.Sample(NlpTask.Sentiment, train, dev, trainRows: 30, devRows: 10, seed: 5);
        var again = ReplaySet.Sample(NlpTask.Sentiment, train, dev, trainRows: 30, devRows: 10, seed: 5);
        var other = ReplaySet.Sample(NlpTask.Sentiment, train, dev, trainRows: 30, devRows: 10, seed: 6);

        Assert.Equal(30, first.Texts!.Train.Count);
        Assert.Equal(10, first.Texts.Dev.Count);
        Assert.Equal(first.Texts.Train, again.Texts!.Train);
        Assert.NotEqual(first.Texts.Train, other.Texts!.Train);
        var devTexts = first.Texts.Dev.Select(d => d.Text).ToHashSet();
        Assert.DoesNotContain(first.Texts.Train, t => t.Text is "text 95" or "text 96" or "text 97" or "text 98" or "text 99");
        Assert.Equal(30, first.Record.TrainRows);
        Assert.Equal(5, first.Record.Seed);
        Assert.Equal(64, first.Record.SourceSha256!.Length);
        Assert.All(first.Texts.Dev, d => Assert.Contains(d.Text, devTexts));
    }

    [Fact]
    public void WriteTo_ThenLoad_GivesTheSameRows_ForTextsAndForNer()
    {
        var train = Jsonl("t.jsonl", [("good \"quoted\" film", "positive"), ("ünïcode bad", "negative"), ("fine", "positive")]);
        var dev = Jsonl("d.jsonl", [("meh", "negative")]);
        var texts = ReplaySet.Sample(NlpTask.Sentiment, train, dev);
        var conllTrain = Write("train.txt", "EU\tB-ORG\nrejects\tO\nGerman\tB-MISC\n\nPeter\tB-PER\nBlackburn\tI-PER\n\n");
        var conllDev = Write("valid.txt", "Paris\tB-LOC\n\n");
        var ner = ReplaySet.Sample(NlpTask.Ner, conllTrain, conllDev);

        var textFolder = Path.Combine(directory, "sentiment-v2");
        var nerFolder = Path.Combine(directory, "ner-v2");
        Assert.Equal(["replay-train.jsonl", "replay-dev.jsonl"], texts.WriteTo(textFolder));
        Assert.Equal(["replay-train.conll", "replay-dev.conll"], ner.WriteTo(nerFolder));
        var loadedTexts = ReplaySet.Load(textFolder, Manifest("sentiment", texts.Record), NlpTask.Sentiment)!;
        var loadedNer = ReplaySet.Load(nerFolder, Manifest("ner", ner.Record), NlpTask.Ner)!;

        Assert.Equal(texts.Texts!.Train, loadedTexts.Texts!.Train);
        Assert.Equal(texts.Texts.Dev, loadedTexts.Texts.Dev);
        Assert.Equal(2, loadedNer.Sentences!.Train.Count);
        Assert.Equal(["Peter", "Blackburn"], loadedNer.Sentences.Train[1].Tokens);
        Assert.Equal(["B-PER", "I-PER"], loadedNer.Sentences.Train[1].Tags);
    }

    [Fact]
    public void Load_WithoutRecord_IsNull_AndWithMissingFiles_IsAnIntegrityError()
    {
        var record = new ReplayRecord { TrainFile = "replay-train.jsonl", DevFile = "replay-dev.jsonl" };

        Assert.Null(ReplaySet.Load(directory, Manifest("sentiment", null), NlpTask.Sentiment));
        var error = Assert.Throws<ModelIntegrityException>(() => ReplaySet.Load(directory, Manifest("sentiment", record), NlpTask.Sentiment));
        Assert.Contains("replay-train.jsonl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_MissingFile_NamesIt()
    {
        var error = Assert.Throws<FileNotFoundException>(() => ReplaySet.Sample(NlpTask.Classification, Path.Combine(directory, "nope.jsonl"), Path.Combine(directory, "dev.jsonl")));
        Assert.Contains("nope.jsonl", error.Message, StringComparison.Ordinal);
    }

    private static HeadManifest Manifest(string task, ReplayRecord? replay) => new()
    {
        Task = task,
        Version = "v2",
        Labels = ["negative", "positive"],
        CreatedAt = DateTimeOffset.UnixEpoch,
        Encoder = new EncoderReference("e", "0"),
        Files = new Dictionary<string, string>(),
        Replay = replay,
    };

    private string Jsonl(string name, IEnumerable<(string Text, string Label)> rows) =>
        Write(name, string.Concat(rows.Select(r => System.Text.Json.JsonSerializer.Serialize(new { text = r.Text, label = r.Label }) + "\n")));

    private string Write(string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
