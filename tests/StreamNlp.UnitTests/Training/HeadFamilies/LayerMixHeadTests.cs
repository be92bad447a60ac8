using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;
using StreamNlp.Retrainer.Challengers;
using StreamNlp.Training.Data;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Workflows;
using StreamNlp.UnitTests.Models.Quantization;

namespace StreamNlp.UnitTests.Training.HeadFamilies;

/// <summary>
/// A dense sentence head over a mix of encoder layers, end to end on the packaged encoder: trained on pooled layer
/// features, exported, registered, then served from one encoder pass (the worker's path) and scored on cached layer
/// states (the retrainer's path) with the same probabilities as the trained network.
/// </summary>
public sealed class LayerMixHeadTests(PackagedEncoderFixture encoder) : IClassFixture<PackagedEncoderFixture>, IDisposable
{
    private static readonly string[] Positive = ["a wonderful, moving film", "great acting and a clever plot", "i loved every minute", "superb and funny", "a delight from start to end", "brilliant work"];
    private static readonly string[] Negative = ["a dull, lifeless mess", "boring and far too long", "i hated it", "awful dialogue and bad acting", "a waste of time", "terrible from start to end"];
    private readonly string root = Path.Combine(Path.GetTempPath(), $"layer-mix-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void LayerMixHead_ServedFromOneEncoderPass_AndScoredOnCachedStates_GivesTheTrainedNetworksProbabilities()
    {
        var sessions = new SessionFactory(new InferenceSettings(ExecutionProvider.Cpu));
        using var session = new EncoderSession(encoder.Files, sessions);
        var tokenizer = new TextTokenizer(encoder.Files.VocabularyPath, encoder.Files.Descriptor.Uncased);
        var extractor = new FeatureExtractor(tokenizer, session, 64, cacheDirectory: null);
        var rows = Positive.Select(t => new LabeledText(t, "positive")).Concat(Negative.Select(t => new LabeledText(t, "negative"))).ToList();
        var choice = new HeadChoice(HeadFamilyCatalog.Default.Get("dense"), new DenseClassifierOptions { HiddenSizes = [8], EncoderLayers = [1, 4, 6], Epochs = 3 });

        var trained = choice.Train(HeadTrainingData.ForTexts(NlpTask.Sentiment, extractor, ["negative", "positive"], [rows], rows));
        var registry = new ModelRegistry(root);
        var outcome = HeadRegistration.Register(registry, NlpTask.Sentiment, encoder.Files.Descriptor, trained, new TrainingRecord(), promote: true);

        // The manifest records the layers; the retrainer reads them back from it.
        Assert.Equal([1, 4, 6], HeadFamilyCatalog.Default.ChoiceOf(outcome.Manifest).Options.EncoderLayers);

        using var head = new TaskHead(NlpTask.Sentiment, outcome.VersionDirectory, outcome.Manifest, sessions);
        Assert.Equal([1, 4], head.EncoderLayers);
        var texts = rows.Select(r => r.Text).ToList();
        var expected = ((DenseClassifier)trained.Model).PredictProbabilities(extractor.PooledFeatures(texts, [1, 4, 6]), texts.Count);

        // Worker path: one encoder run that fetches the head's layers.
        using var options = new Microsoft.ML.OnnxRuntime.RunOptions();
        using (var batch = session.Run([.. texts.Select(t => tokenizer.Tokenize(t, 64))], options, head.EncoderLayers))
        {
            AssertClose(expected, head.Run(batch, options));
        }

        // Retrainer path: cached token states with the same layers.
        AssertClose(expected, HeadScoring.Probabilities(head, extractor.TokenStates(texts, layers: head.EncoderLayers)));

        // States without those layers are refused with the reason, not scored on something else.
        var error = Assert.Throws<InvalidOperationException>(() => HeadScoring.Probabilities(head, extractor.TokenStates(texts)));
        Assert.Contains("layer 1", error.Message, StringComparison.Ordinal);

        // An encoder run without the layers is refused by the head the same way.
        using var bare = session.Run([.. texts.Select(t => tokenizer.Tokenize(t, 64))], options);
        Assert.Throws<ModelIntegrityException>(() => head.Run(bare, options));
    }

    [Fact]
    public void EncoderLayers_OutsideTheDenseSentenceHead_AreRefusedNamingTheSetting()
    {
        Assert.Contains("EncoderLayers", Assert.Throws<ArgumentException>(() => new StreamNlp.Training.NeuralNetworks.Attention.AttentionSequenceHeadOptions { EncoderLayers = [6] }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("EncoderLayers", Assert.Throws<ArgumentException>(() => new StreamNlp.Training.NeuralNetworks.Convolution.ConvolutionalTokenHeadOptions { EncoderLayers = [6] }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("EncoderLayers", Assert.Throws<ArgumentException>(() => new DenseClassifierOptions { EncoderLayers = [6, 6] }.Validate()).Message, StringComparison.Ordinal);

        var sessions = new SessionFactory(new InferenceSettings(ExecutionProvider.Cpu));
        using var session = new EncoderSession(encoder.Files, sessions);
        var extractor = new FeatureExtractor(new TextTokenizer(encoder.Files.VocabularyPath, true), session, 64, cacheDirectory: null);
        var rows = Positive.Select(t => new LabeledText(t, "positive")).Concat(Negative.Select(t => new LabeledText(t, "negative"))).ToList();
        var withoutLast = new HeadChoice(HeadFamilyCatalog.Default.Get("dense"), new DenseClassifierOptions { EncoderLayers = [2, 3], Epochs = 1 });
        var error = Assert.Throws<ArgumentException>(() => withoutLast.Train(HeadTrainingData.ForTexts(NlpTask.Sentiment, extractor, ["negative", "positive"], [rows], rows)));
        Assert.Contains("last layer (6", error.Message, StringComparison.Ordinal);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4f, $"{i}: {expected[i]} vs {actual[i]}");
        }
    }
}
