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

    /// <summary>
    /// The shipped heads were trained on these exact ids: a change to the tokenizer's normalization must
    /// not move them for ordinary text. Captured from the tokenizer as it was before offsets were mapped
    /// through an explicit normalization (behaviour version 2).
    /// </summary>
    [Theory]
    [InlineData("Barack Obama visited Paris on Monday.", new long[] { 101, 13857, 8112, 4716, 3000, 2006, 6928, 1012, 102 })]
    [InlineData("Roger Federer won the Wimbledon final in London.", new long[] { 101, 5074, 28294, 2180, 1996, 13411, 2345, 1999, 2414, 1012, 102 })]
    [InlineData("Stocks fell 3.5% as the Federal Reserve raised rates (again)!", new long[] { 101, 15768, 3062, 1017, 1012, 1019, 1003, 2004, 1996, 2976, 3914, 2992, 6165, 1006, 2153, 1007, 999, 102 })]
    [InlineData("I didn't like it... unaffable misspelings, though.", new long[] { 101, 1045, 2134, 1005, 1056, 2066, 2009, 1012, 1012, 1012, 14477, 20961, 3468, 3335, 11880, 8613, 1010, 2295, 1012, 102 })]
    [InlineData("Angela Merkel met Emmanuel Macron in Berlin.", new long[] { 101, 10413, 21442, 11705, 2777, 14459, 26632, 2078, 1999, 4068, 1012, 102 })]
    // Composed accents: string.Normalize is a no-op under InvariantGlobalization, so the library never
    // decomposes "ü" and every accented word is [UNK] (100) today.
    [InlineData("Zürich's café serves crème brûlée.", new long[] { 101, 100, 1005, 1055, 100, 4240, 100, 100, 1012, 102 })]
    public void Tokenize_OrdinarySentences_IdsUnchanged(string text, long[] expected)
    {
        var tokens = Tokenizer.Tokenize(text, 256);

        Assert.Equal(expected, tokens.Ids);
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
