using StreamNlp.Core.Tasks;
using StreamNlp.Models.Inference;
using StreamNlp.Models.Segmentation;
using StreamNlp.Retrainer.Challengers;
using StreamNlp.UnitTests.Models.Tokenization;

namespace StreamNlp.UnitTests.Retrainer.Challengers;

public sealed class FeedbackSentencesTests
{
    private static readonly string[] Texts = ["Rude crew. Lost bag. Never again.", "Great value.", "The seats were fine. Staff smiled."];

    [Fact]
    public void Of_ReadsEachTextAsTheWorkerDoes()
    {
        var sentences = FeedbackSentences.Of(Texts, new TextSegmenter(SharedTokenizer.Instance, TextSegmentation.Sentences), 256);

        Assert.Equal(["Rude crew.", "Lost bag.", "Never again.", "Great value.", "The seats were fine.", "Staff smiled."], sentences.Sentences);
        Assert.Equal([0, 0, 0, 1, 2, 2], sentences.Owners);
        Assert.Equal(3, sentences.TextCount);
        Assert.All(sentences.Tokens, t => Assert.True(t >= 3));
    }

    [Fact]
    public void Of_WithoutSegmentation_IsOneRowPerText()
    {
        var sentences = FeedbackSentences.Of(Texts, new TextSegmenter(SharedTokenizer.Instance, TextSegmentation.None), 256);

        Assert.Equal(Texts, sentences.Sentences);
        Assert.Equal([0, 1, 2], sentences.Owners);
    }

    [Fact]
    public void Combine_GivesEachTextWhatTheWorkerWouldGiveIt()
    {
        var sentences = FeedbackSentences.Of(Texts, new TextSegmenter(SharedTokenizer.Instance, TextSegmentation.Sentences), 256);
        float[] probabilities = [0.9f, 0.1f, 0.8f, 0.2f, 0.3f, 0.7f, 0.1f, 0.9f, 0.4f, 0.6f, 0.2f, 0.8f];

        var combined = sentences.Combine(NlpTask.Sentiment, probabilities, 2);

        var first = SegmentVotes.Combine(NlpTask.Sentiment, [[0.9f, 0.1f], [0.8f, 0.2f], [0.3f, 0.7f]], [.. sentences.Tokens.Take(3)], 2);
        Assert.Equal(first, combined.AsSpan(0, 2).ToArray());
        Assert.Equal([0.1f, 0.9f], combined.AsSpan(2, 2).ToArray()); // one sentence: unchanged
    }

    [Fact]
    public void ShareInText_WeighsSentencesAsTheWorkerDoes()
    {
        var sentences = FeedbackSentences.Of(Texts, new TextSegmenter(SharedTokenizer.Instance, TextSegmentation.Sentences), 256);

        var sentiment = sentences.ShareInText(NlpTask.Sentiment);
        var topic = sentences.ShareInText(NlpTask.Classification);

        Assert.Equal([1f / 3, 1f / 3, 1f / 3, 1f, 0.5f, 0.5f], sentiment, (a, b) => Math.Abs(a - b) < 1e-6f);
        var firstText = sentences.Tokens.Take(3).Sum();
        Assert.Equal(sentences.Tokens[0] / (float)firstText, topic[0], 6);
        Assert.Equal(1f, topic[3]);
    }
}
