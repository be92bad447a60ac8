using System.Text;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Inference;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Segmentation;

namespace StreamNlp.UnitTests.Models.Segmentation;

/// <summary>The shipped models annotating texts sentence by sentence, against the same texts as one sequence.</summary>
public sealed class SegmentedAnnotationTests : IClassFixture<SegmentedAnnotationTests.ShippedBundle>
{
    private readonly ModelBundle _bundle;

    public SegmentedAnnotationTests(ShippedBundle shipped) => _bundle = shipped.Bundle;

    [Fact]
    public void OneSentence_GetsTheSameAnnotationAsTheWholeText()
    {
        const string text = "Manchester United beat Chelsea 3-1 at Old Trafford on Saturday.";

        var segmented = _bundle.AnnotateSegmented([_bundle.Segment(text, 256)]).Annotations.Single();
        var whole = _bundle.Annotate([_bundle.Tokenize(text, 256)]).Single();

        Assert.Equal(whole.Classification!.Scores, segmented.Classification!.Scores);
        Assert.Equal(whole.Sentiment!.Scores, segmented.Sentiment!.Scores);
        Assert.Equal(whole.Entities, segmented.Entities);
    }

    [Fact]
    public void Sentences_CombineWhatEachSentenceAloneGets()
    {
        const string text = "The food was cold and the crew ignored us. The seats were fine. I will never fly with them again.";
        var segmented = _bundle.Segment(text, 256);
        var alone = _bundle.Annotate([.. segmented.Segments.Select(s => s.Tokens)]);

        var combined = _bundle.AnnotateSegmented([segmented]).Annotations.Single();

        var labels = _bundle.Heads[StreamNlp.Core.Tasks.NlpTask.Sentiment].Labels;
        var expected = SegmentVotes.Combine(StreamNlp.Core.Tasks.NlpTask.Sentiment, [.. alone.Select(a => labels.Select(l => a.Sentiment!.Scores[l]).ToArray())], [.. segmented.Segments.Select(s => s.Tokens.Length)], labels.Count);
        for (var l = 0; l < labels.Count; l++)
        {
            Assert.Equal(expected[l], combined.Sentiment!.Scores[labels[l]], 4);
        }

        Assert.Equal("negative", combined.Sentiment!.Label);
        Assert.Equal(segmented.TokenCount, combined.TokenCount);
    }

    [Fact]
    public void EntitiesOfLaterSentences_AreSpansOfTheWholeText()
    {
        const string text = "The weather was grey all week. On Monday Angela Merkel flew to Paris. She met Emmanuel Macron.";

        var annotation = _bundle.AnnotateSegmented([_bundle.Segment(text, 256)]).Annotations.Single();

        Assert.All(annotation.Entities, e => Assert.Equal(text[e.Start..e.End], e.Text));
        Assert.Contains(annotation.Entities, e => e.Text == "Angela Merkel" && e.Label == "PER" && e.Start == text.IndexOf("Angela", StringComparison.Ordinal));
        Assert.Contains(annotation.Entities, e => e.Text == "Paris" && e.Label == "LOC");
        Assert.Contains(annotation.Entities, e => e.Text == "Emmanuel Macron" && e.Label == "PER" && e.Start == text.IndexOf("Emmanuel", StringComparison.Ordinal));
    }

    [Fact]
    public void DecomposedAndComposedText_GetSpansOverTheSameWords()
    {
        const string composed = "The show was sold out. Beyoncé Knowles sang in Zürich on Friday.";
        var decomposed = composed.Normalize(NormalizationForm.FormD);

        var c = _bundle.AnnotateSegmented([_bundle.Segment(composed, 256)]).Annotations.Single();
        var d = _bundle.AnnotateSegmented([_bundle.Segment(decomposed, 256)]).Annotations.Single();

        Assert.Equal(c.Entities.Select(e => e.Text.Normalize(NormalizationForm.FormC)), d.Entities.Select(e => e.Text.Normalize(NormalizationForm.FormC)));
        Assert.Contains(d.Entities, e => e.Text.Normalize(NormalizationForm.FormC) == "Zürich");
        Assert.All(d.Entities, e => Assert.Equal(decomposed[e.Start..e.End], e.Text));
    }

    [Fact]
    public void PassesOfSimilarLength_GiveTheSameAnnotationsAsOnePass()
    {
        string[] texts =
        [
            "Great value. Friendly staff. Would book again.",
            "Oil prices rose on Tuesday after OPEC cut output, and shares of Exxon Mobil climbed in New York trading.",
            "Bad.",
        ];
        var segmented = texts.Select(t => _bundle.Segment(t, 256)).ToArray();

        var one = _bundle.AnnotateSegmented(segmented);
        var grouped = _bundle.AnnotateSegmented(segmented, maxPaddingWaste: 0.0);

        Assert.Equal(1, one.EncoderPasses);
        Assert.True(grouped.EncoderPasses > 1);
        Assert.True(grouped.PaddedTokens < one.PaddedTokens);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(one.Annotations[i].Classification!.Label, grouped.Annotations[i].Classification!.Label);
            Assert.Equal(one.Annotations[i].Sentiment!.Scores["positive"], grouped.Annotations[i].Sentiment!.Scores["positive"], 3);
            Assert.Equal(one.Annotations[i].Entities.Select(e => (e.Start, e.End, e.Label)), grouped.Annotations[i].Entities.Select(e => (e.Start, e.End, e.Label)));
        }
    }

    public sealed class ShippedBundle : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), $"segmented-annotation-{Guid.NewGuid():N}");

        public ShippedBundle()
        {
            var registry = new ModelRegistry(_root);
            registry.SeedFrom(new ModelRegistry(ConfiguredRegistry.ShippedModelsDirectory));
            Bundle = ModelBundle.Load(registry, new EncoderCache(EncoderCache.DefaultDirectory), new InferenceSettings(ExecutionProvider.Cpu, Precision: EncoderPrecision.Fp32));
        }

        public ModelBundle Bundle { get; }

        public void Dispose()
        {
            Bundle.Dispose();
            Directory.Delete(_root, recursive: true);
        }
    }
}
