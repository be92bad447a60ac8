using StreamNlp.Models.Encoders;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.UnitTests.Models.Tokenization;

public sealed class TextTokenizerTests
{
    private static readonly Lazy<TextTokenizer> Shared = new(() =>
    {
        var files = new EncoderCache(EncoderCache.DefaultDirectory).Ensure(EncoderDescriptor.MiniLmL6V2);
        return new TextTokenizer(files.VocabularyPath, files.Descriptor.Uncased);
    });

    private static TextTokenizer Tokenizer => Shared.Value;

    [Theory]
    [InlineData("Barack Obama visited Paris on Monday.")]
    [InlineData("Zürich's café serves crème brûlée.")]
    [InlineData("Emoji 😀 in the middle 🎉 and at the end 👍")]
    [InlineData("Windows line\r\nendings\r\nand\ttabs")]
    [InlineData("Zero\u200Bwidth and soft\u00ADhyphen")]
    [InlineData("北京 is a city; unaffable misspelings")]
    public void Tokenize_OffsetsSliceOriginalText(string text)
    {
        var tokens = Tokenizer.Tokenize(text, 256);

        Assert.Equal(Tokenizer.ClsId, tokens.Ids[0]);
        Assert.Equal(Tokenizer.SepId, tokens.Ids[^1]);
        for (var i = 1; i < tokens.Length - 1; i++)
        {
            Assert.InRange(tokens.Starts[i], 0, text.Length);
            Assert.InRange(tokens.Ends[i], tokens.Starts[i] + 1, text.Length);
            var slice = text[tokens.Starts[i]..tokens.Ends[i]];
            Assert.False(string.IsNullOrWhiteSpace(slice), $"token {i} slices whitespace '{slice}'");
            Assert.DoesNotContain('\r', slice);
        }

        foreach (var word in tokens.Words)
        {
            Assert.Equal(text[word.Start..word.End].Trim(), text[word.Start..word.End]);
        }
    }

    [Fact]
    public void Tokenize_AccentedWords_AreKnownAndSliceOriginal()
    {
        const string text = "Zürich café";

        var tokens = Tokenizer.Tokenize(text, 256);

        Assert.Equal(["Zürich", "café"], tokens.Words.Select(w => text[w.Start..w.End]));
        Assert.Equal(4, tokens.Length); // [CLS] zurich cafe [SEP]: both words are in the vocabulary, not [UNK]
    }

    [Fact]
    public void Tokenize_SubwordsShareWordAndFirstTokenIsMarked()
    {
        const string text = "unaffable people";

        var tokens = Tokenizer.Tokenize(text, 256);

        Assert.Equal(2, tokens.Words.Count);
        Assert.Equal("unaffable", text[tokens.Words[0].Start..tokens.Words[0].End]);
        Assert.True(tokens.Length > 4, "unaffable should split into several word pieces");
        Assert.Equal(1, tokens.WordFirstToken[0]);
        Assert.All(Enumerable.Range(1, tokens.WordFirstToken[1] - 1), p => Assert.Equal(0, tokens.WordIndex[p]));
        Assert.Equal(-1, tokens.WordIndex[0]);
        Assert.Equal(-1, tokens.WordIndex[^1]);
    }

    [Fact]
    public void Tokenize_LongText_TruncatesAtWordBoundaryAndFlags()
    {
        var text = string.Join(" ", Enumerable.Repeat("unaffable", 100));

        var tokens = Tokenizer.Tokenize(text, 20);

        Assert.True(tokens.Truncated);
        Assert.InRange(tokens.Length, 3, 20);
        // No word is cut: the last kept position is the last piece of a whole word.
        var lastWord = tokens.Words[^1];
        Assert.Equal("unaffable", text[lastWord.Start..lastWord.End]);
    }

    [Fact]
    public void Tokenize_ShortText_IsNotTruncated()
    {
        var tokens = Tokenizer.Tokenize("short text", 256);

        Assert.False(tokens.Truncated);
        Assert.Equal(tokens.Length, Tokenizer.CountTokens("short text"));
    }
}
