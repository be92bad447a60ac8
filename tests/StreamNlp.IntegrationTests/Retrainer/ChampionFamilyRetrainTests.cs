using System.Text.Json;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;
using StreamNlp.Retrainer.Benchmarks;
using StreamNlp.Retrainer.Challengers;
using StreamNlp.Retrainer.Configuration;
using StreamNlp.Retrainer.Storage;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;
using StreamNlp.Training.Workflows;

namespace StreamNlp.IntegrationTests.Retrainer;

/// <summary>
/// A sentence-task challenger is trained in its champion's head family with the options the champion's manifest
/// records (not constants of the retrainer): whatever family and options the current version was trained with.
/// </summary>
public sealed class ChampionFamilyRetrainTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"champion-family-{Guid.NewGuid():N}");
    private readonly InferenceSettings _inference = new(ExecutionProvider.Cpu);
    private readonly EncoderFiles _files = new EncoderCache(EncoderCache.DefaultDirectory).Ensure(EncoderNames.Default, EncoderPrecision.Fp32);
    private readonly ModelRegistry _registry;
    private readonly EncoderSession _encoder;
    private readonly FeatureExtractor _features;

    public ChampionFamilyRetrainTests()
    {
        Directory.CreateDirectory(_root);
        _registry = new ModelRegistry(Path.Combine(_root, "models"));
        _encoder = new EncoderSession(_files, new SessionFactory(_inference));
        _features = new FeatureExtractor(new TextTokenizer(_files.VocabularyPath, _files.Descriptor.Uncased), _encoder, 256, Path.Combine(_root, "cache"));
    }

    public void Dispose()
    {
        _encoder.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    public static TheoryData<string> Families => ["attention", "dense"];

    [Theory]
    [MemberData(nameof(Families))]
    public void Run_ChallengerUsesTheChampionsFamilyAndRecordedOptions(string family)
    {
        HeadTrainingOptions options = family == "attention"
            ? new AttentionSequenceHeadOptions { Epochs = 3, TokenProjectionSize = 16, AttentionSize = 8, HiddenSizes = [16], LearningRate = 0.005f, Seed = 5 }
            : new DenseClassifierOptions { Epochs = 7, HiddenSizes = [32], LearningRate = 0.01f, Dropout = 0.2f, Patience = 2, Seed = 5 };
        var championHead = new HeadChoice(HeadFamilyCatalog.Default.Get(family), options);
        var train = SyntheticTexts.WriteJsonl(Path.Combine(_root, "train.jsonl"), SyntheticTexts.Topics(30, seed: 1));
        var dev = SyntheticTexts.WriteJsonl(Path.Combine(_root, "dev.jsonl"), SyntheticTexts.Topics(10, seed: 2));
        var champion = new HeadTrainingWorkflow(_features, _files.Descriptor).Train(new TrainRequest(NlpTask.Classification, train, dev, _registry.Root, championHead));
        var retrainer = new RetrainerOptions { BaseData = { ["classification"] = new BaseDataOptions { Train = train, Dev = dev } } };
        var feedback = SyntheticTexts.Cooking(120, seed: 7)
            .Select((text, i) => new StoredFeedback(i + 1, new FeedbackExample(NlpTask.Classification, text, "cooking", Source: "test"), DateTimeOffset.UtcNow, Used: false))
            .ToList();

        var result = new ChallengeRunner(_registry, _features, _files.Descriptor, retrainer, _inference, TimeProvider.System)
            .Run(NlpTask.Classification, feedback, CancellationToken.None);

        Assert.Equal(champion.Manifest.Version, result.ChampionVersion);
        var challenger = ModelRegistry.ReadManifest(_registry.VersionDirectory(NlpTask.Classification, result.Challenger.Version));
        Assert.Equal(family, challenger.Head!.Family);
        Assert.True(JsonElement.DeepEquals(championHead.ToRecipe().Options, challenger.Head.Options), challenger.Head.Options.GetRawText());
        Assert.Contains("cooking", challenger.Labels);
        Assert.True(result.Challenger.Training!.Epochs <= options.Epochs, $"{result.Challenger.Training.Epochs} epochs, the champion's limit is {options.Epochs}");
    }
}
