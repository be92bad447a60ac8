using System.Diagnostics;
using System.Text;
using System.Text.Json;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;
using StreamNlp.Retrainer.Challengers;
using StreamNlp.Retrainer.Configuration;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Convolution;
using StreamNlp.Training.Workflows;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Retrainer;

/// <summary>
/// NER retraining without Kafka: the shipped NER head has never seen a DRUG entity, so feedback labelling drug
/// names must produce a challenger that wins on the held-out feedback, keeps the base PER/LOC data, and is promoted.
/// </summary>
public sealed class NerFeedbackRetrainTests : IDisposable
{
    private static readonly string[] Drugs =
    [
        "ibuprofen", "paracetamol", "amoxicillin", "metformin", "atorvastatin", "omeprazole", "lisinopril", "warfarin",
        "prednisone", "cetirizine", "naproxen", "diclofenac", "azithromycin", "doxycycline", "sertraline", "levothyroxine",
        "losartan", "gabapentin", "tramadol", "amlodipine", "ciprofloxacin", "acetylsalicylic acid", "insulin glargine", "folic acid",
    ];

    private static readonly string[] Doses = ["20 mg", "200 mg", "500 mg", "5 ml", "two tablets", "one capsule"];

    private static readonly string[] DrugTemplates =
    [
        "Patients took {dose} of {drug} daily.",
        "The doctor prescribed {drug} for the pain.",
        "She was given {dose} of {drug} twice a day.",
        "Side effects of {drug} include nausea and headaches.",
        "He stopped taking {drug} after two weeks.",
        "A daily dose of {drug} lowered the fever.",
        "The pharmacy ran out of {drug} this morning.",
        "{drug} is often used to treat inflammation.",
    ];

    private static readonly string[] PlainTexts =
    [
        "The weather was mild all week.", "Our meeting moved to the afternoon.", "Prices rose slightly in the spring.",
        "The committee will vote next month.", "Most shops close early on holidays.", "The report was finished on time.",
    ];

    private static readonly string[] FirstNames = ["John", "Maria", "Peter", "Anna", "David", "Laura", "Thomas", "Sofia"];
    private static readonly string[] LastNames = ["Smith", "Garcia", "Brown", "Miller", "Wilson", "Rossi", "Jensen", "Novak"];
    private static readonly string[] Cities = ["Paris", "London", "Berlin", "Madrid", "Rome", "Tokyo", "Chicago", "Sydney"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"ner-retrain-{Guid.NewGuid():N}");
    private readonly InferenceSettings _inference = new(ExecutionProvider.Cpu);
    private readonly EncoderFiles _files = new EncoderCache(EncoderCache.DefaultDirectory).Ensure(EncoderNames.Default, EncoderPrecision.Fp32);
    private readonly ModelRegistry _registry;
    private readonly EncoderSession _encoder;
    private readonly FeatureExtractor _features;
    private readonly ITestOutputHelper _output;

    public NerFeedbackRetrainTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_root);
        _registry = new ModelRegistry(Path.Combine(_root, "models"));
        _registry.SeedFrom(new ModelRegistry(Path.Combine(AppContext.BaseDirectory, "models")));
        _encoder = new EncoderSession(_files, new SessionFactory(_inference));
        _features = new FeatureExtractor(new TextTokenizer(_files.VocabularyPath, _files.Descriptor.Uncased), _encoder, 256, Path.Combine(_root, "cache"));
    }

    public void Dispose()
    {
        _encoder.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Run_DenseChampion_FeedbackWithNewEntityType_PromotesChallengerThatFindsIt()
    {
        var options = WithBaseData();
        var files = BaseData.FilesFor(NlpTask.Ner, options)!.Value;
        // A dense (per-token softmax) champion trained on the full tag set of the shipped model, made current.
        var championHead = new HeadChoice(HeadFamilyCatalog.Default.Get("dense"), new DenseClassifierOptions { Epochs = 5, LearningRate = 0.003f });
        new HeadTrainingWorkflow(_features, _files.Descriptor).Train(new TrainRequest(NlpTask.Ner, files.Train, files.Dev, _registry.Root, championHead));
        var championVersion = _registry.CurrentVersion(NlpTask.Ner);

        var result = Retrain(options);

        Assert.True(result.Decision.Promote, result.Decision.Reason);
        Assert.Equal(RetrainDecisions.Promoted, result.Run.Decision);
        Assert.Equal(championVersion, result.ChampionVersion);
        Assert.NotEqual(championVersion, result.Challenger.Version);
        Assert.Equal(result.Challenger.Version, _registry.CurrentVersion(NlpTask.Ner));

        var manifest = ModelRegistry.ReadManifest(_registry.VersionDirectory(NlpTask.Ner, result.Challenger.Version));
        Assert.Contains("B-DRUG", manifest.Labels);
        Assert.Contains("I-DRUG", manifest.Labels);
        Assert.Contains("B-PER", manifest.Labels); // the champion's types stay
        Assert.Contains("B-LOC", manifest.Labels);
        Assert.Null(manifest.Kind);
        Assert.Equal("dense", manifest.Head!.Family); // the champion's family, with the champion's options
        Assert.Equal("Weighted", manifest.Training!.Settings["strategy"]); // a new entity type: an adapter cannot add tags
        Assert.True(JsonElement.DeepEquals(championHead.ToRecipe().Options, manifest.Head.Options), manifest.Head.Options.GetRawText());

        Assert.True(result.Run.Challenger["feedbackHoldout"] > result.Run.Champion["feedbackHoldout"], "challenger beats champion on held-out feedback");
        Assert.True(result.Run.Challenger.ContainsKey("baseDev") && result.Run.Champion.ContainsKey("baseDev"), "both scored on base dev");
    }

    [Fact]
    public void Run_WithoutReplaySetOrBaseData_TrainsOnFeedbackAndSkipsBaseCheck()
    {
        // The shipped champion carries a replay set; a model without one (trained elsewhere) and no --base-data means feedback only.
        var version = _registry.CurrentVersion(NlpTask.Ner)!;
        var directory = _registry.VersionDirectory(NlpTask.Ner, version);
        var manifest = ModelRegistry.ReadManifest(directory);
        var replayFiles = new[] { manifest.Replay!.TrainFile, manifest.Replay.DevFile };
        ModelRegistry.WriteManifest(directory, manifest with { Replay = null }, manifest.Files.Keys.Except(replayFiles));

        var result = Retrain(new RetrainerOptions());

        Assert.True(result.Decision.Promote, result.Decision.Reason);
        Assert.Contains("base check skipped", result.Decision.Reason, StringComparison.Ordinal);
        Assert.False(result.Run.Challenger.ContainsKey("baseDev"));
        Assert.Contains("B-DRUG", result.Challenger.Labels);
        Assert.Contains("B-LOC", result.Challenger.Labels);
        Assert.Equal("feedback", result.Challenger.Training!.TrainFile);
    }

    [Fact]
    public void Run_ConvolutionalChampion_TrainsAndPromotesAConvolutionalChallenger()
    {
        var options = WithBaseData();
        var files = BaseData.FilesFor(NlpTask.Ner, options)!.Value;
        // A convolutional champion on the base data (PER/LOC only), made current. The challenger reuses its options: the
        // family's defaults with 8 epochs, the settings the retrainer used for every cnn challenger before it read them.
        var championHead = new HeadChoice(HeadFamilyCatalog.Default.Get("cnn"), new ConvolutionalTokenHeadOptions { Epochs = 8 });
        var champion = new HeadTrainingWorkflow(_features, _files.Descriptor).Train(new TrainRequest(NlpTask.Ner, files.Train, files.Dev, _registry.Root, championHead));
        Assert.Equal(champion.Manifest.Version, _registry.CurrentVersion(NlpTask.Ner));

        var result = Retrain(options);

        Assert.True(result.Decision.Promote, result.Decision.Reason);
        Assert.Equal(champion.Manifest.Version, result.ChampionVersion);
        Assert.Equal("cnn", result.Challenger.Head!.Family); // the champion's family, with the champion's options
        Assert.True(JsonElement.DeepEquals(championHead.ToRecipe().Options, result.Challenger.Head.Options), result.Challenger.Head.Options.GetRawText());
        Assert.Contains("I-DRUG", result.Challenger.Labels);
        Assert.Equal(result.Challenger.Version, _registry.CurrentVersion(NlpTask.Ner));
        Assert.True(result.Run.Challenger["feedbackHoldout"] > result.Run.Champion["feedbackHoldout"], "challenger beats champion on held-out feedback");
    }

    private ChallengeResult Retrain(RetrainerOptions options)
    {
        var clock = Stopwatch.StartNew();
        var runner = new ChallengeRunner(_registry, _features, _files.Descriptor, options, _inference, TimeProvider.System);

        var result = runner.Run(NlpTask.Ner, DrugFeedback(150, seed: 7), CancellationToken.None);

        _output.WriteLine($"{result.Run.Decision}: {result.Decision.Reason} ({clock.Elapsed.TotalSeconds:0.0} s)");
        _output.WriteLine($"champion {Describe(result.Run.Champion)}; challenger {Describe(result.Run.Challenger)}");
        return result;
    }

    private RetrainerOptions WithBaseData() => new()
    {
        BaseData =
        {
            ["ner"] = new BaseDataOptions
            {
                Train = WriteConll("base-train.txt", PersonLocationSentences(40, seed: 1)),
                Dev = WriteConll("base-dev.txt", PersonLocationSentences(16, seed: 2)),
            },
        },
    };

    private static string Describe(IReadOnlyDictionary<string, double> metrics) =>
        string.Join(", ", metrics.Select(m => $"{m.Key} {m.Value:0.000}"));

    /// <summary>Distinct drug sentences with the drug's character span labelled DRUG, plus a few texts without entities.</summary>
    private static List<StoredFeedback> DrugFeedback(int count, int seed)
    {
        var random = new Random(seed);
        var texts = new HashSet<string>(StringComparer.Ordinal);
        var feedback = new List<StoredFeedback>();
        foreach (var text in PlainTexts)
        {
            texts.Add(text);
            feedback.Add(Stored(feedback.Count, new FeedbackExample(NlpTask.Ner, text, Entities: [], Source: "test")));
        }

        while (feedback.Count < count)
        {
            var template = DrugTemplates[random.Next(DrugTemplates.Length)];
            var drug = Drugs[random.Next(Drugs.Length)];
            var dosed = template.Replace("{dose}", Doses[random.Next(Doses.Length)], StringComparison.Ordinal);
            var start = dosed.IndexOf("{drug}", StringComparison.Ordinal);
            var text = dosed.Replace("{drug}", start == 0 ? char.ToUpperInvariant(drug[0]) + drug[1..] : drug, StringComparison.Ordinal);
            if (texts.Add(text))
            {
                var entity = new FeedbackEntity(start, start + drug.Length, "DRUG");
                feedback.Add(Stored(feedback.Count, new FeedbackExample(NlpTask.Ner, text, Entities: [entity], Source: "test")));
            }
        }

        return feedback;
    }

    private static StoredFeedback Stored(int row, FeedbackExample example) => new(row + 1, example, DateTimeOffset.UtcNow, Used: false);

    /// <summary>Tokenized sentences naming a person and a city, as (token, tag) pairs.</summary>
    private static List<List<(string Token, string Tag)>> PersonLocationSentences(int count, int seed)
    {
        var random = new Random(seed);
        var sentences = new List<List<(string, string)>>();
        for (var i = 0; i < count; i++)
        {
            (string, string)[] person = [(FirstNames[random.Next(FirstNames.Length)], "B-PER"), (LastNames[random.Next(LastNames.Length)], "I-PER")];
            (string, string)[] city = [(Cities[random.Next(Cities.Length)], "B-LOC")];
            sentences.Add((i % 4) switch
            {
                0 => [.. person, ("lives", "O"), ("in", "O"), .. city, (".", "O")],
                1 => [.. person, ("visited", "O"), .. city, ("last", "O"), ("year", "O"), (".", "O")],
                2 => [("The", "O"), ("mayor", "O"), ("of", "O"), .. city, ("met", "O"), .. person, (".", "O")],
                _ => [.. city, ("welcomed", "O"), .. person, ("on", "O"), ("Monday", "O"), (".", "O")],
            });
        }

        return sentences;
    }

    private string WriteConll(string name, IEnumerable<List<(string Token, string Tag)>> sentences)
    {
        var builder = new StringBuilder();
        foreach (var sentence in sentences)
        {
            foreach (var (token, tag) in sentence)
            {
                builder.Append(token).Append(' ').Append(tag).Append('\n');
            }

            builder.Append('\n');
        }

        var path = Path.Combine(_root, name);
        File.WriteAllText(path, builder.ToString());
        return path;
    }
}
