using StreamNlp.Models.Encoders;
using StreamNlp.Models.Segmentation;
using StreamNlp.Models.Tokenization;
using StreamNlp.UnitTests.Models.Tokenization;

namespace StreamNlp.UnitTests.Models.Segmentation;

public sealed class TextSegmenterTests
{
    private static TextSegmenter Sentences => new(SharedTokenizer.Instance, TextSegmentation.Sentences);

    private const string Review = "The seats were cramped. Staff at the gate in Frankfurt were rude! Still, the flight was on time.";

    [Fact]
    public void Segment_OneSentence_IsExactlyTheWholeTextAsOneSequence()
    {
        const string text = "Barack Obama visited Paris on Monday.";

        var sentences = Sentences.Segment(text, 256);
        var whole = new TextSegmenter(SharedTokenizer.Instance, TextSegmentation.None).Segment(text, 256);

        var segment = Assert.Single(sentences.Segments);
        Assert.Equal(0, segment.Offset);
        Assert.Equal(Assert.Single(whole.Segments).Tokens.Ids, segment.Tokens.Ids);
        Assert.Equal(whole.TokenCount, sentences.TokenCount);
    }

    [Fact]
    public void Segment_Sentences_EachSegmentTokenizesItsPieceOfTheText()
    {
        var segmented = Sentences.Segment(Review, 256);

        Assert.Equal(3, segmented.Segments.Count);
        Assert.False(segmented.Truncated);
        foreach (var segment in segmented.Segments)
        {
            var piece = segment.Tokens.Text;
            Assert.Equal(piece, Review.Substring(segment.Offset, piece.Length));
        }

        Assert.Equal("Frankfurt", Review[(segmented.Segments[1].Offset + segmented.Segments[1].Tokens.Words[5].Start)..(segmented.Segments[1].Offset + segmented.Segments[1].Tokens.Words[5].End)]);
        Assert.Equal(segmented.Segments.Sum(s => s.Tokens.Length), segmented.TokenCount);
    }

    [Fact]
    public void Segment_OverTheBudget_StopsBeforeTheSentenceThatDoesNotFitAndFlagsIt()
    {
        var all = Sentences.Segment(Review, 256);
        var budget = all.Segments[0].Tokens.Length + all.Segments[1].Tokens.Length + 2; // room for two and a bit

        var cut = Sentences.Segment(Review, budget);

        Assert.True(cut.Truncated);
        Assert.Equal(2, cut.Segments.Count);
        Assert.True(cut.TokenCount <= budget);
        Assert.All(cut.Segments, s => Assert.False(s.Tokens.Truncated));
    }

    [Fact]
    public void Segment_FirstSentenceLongerThanTheBudget_IsCutLikeAWholeText()
    {
        var text = string.Join(' ', Enumerable.Repeat("word", 300)) + ". Second sentence.";

        var cut = Sentences.Segment(text, 64);

        var segment = Assert.Single(cut.Segments);
        Assert.True(cut.Truncated);
        Assert.True(segment.Tokens.Truncated);
        Assert.Equal(64, cut.TokenCount);
    }

    [Fact]
    public void Segment_WhiteSpaceOnly_IsOneEmptySequence()
    {
        var segmented = Sentences.Segment(" \n ", 256);

        Assert.Equal(2, Assert.Single(segmented.Segments).Tokens.Length); // [CLS] [SEP]
    }
}
