using StreamNlp.Models.Encoders;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.UnitTests.Models.Tokenization;

public sealed class TextTokenizerTests
{
    private static TextTokenizer Tokenizer => SharedTokenizer.Instance;

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
    [InlineData("“Great” food… £12, €15 – we’ll see ½ µm", new long[] { 101, 1523, 2307, 1524, 2833, 1529, 2260, 1010, 2321, 1516, 2057, 1521, 2222, 2156, 1085, 2213, 102 })]
    [InlineData("Zero\u200Bwidth ﬁne 北京", new long[] { 101, 5717, 9381, 1984, 2638, 1781, 30281, 102 })]
    public void Tokenize_OrdinarySentences_IdsUnchanged(string text, long[] expected)
    {
        var tokens = Tokenizer.Tokenize(text, 256);

        Assert.Equal(expected, tokens.Ids);
    }

    /// <summary>
    /// Under InvariantGlobalization string.Normalize does nothing, so the library never decomposed a composed
    /// "ü" and every accented word was one [UNK] (behaviour version 2: 101, 100, 1005, 1055, 100, 4240, 100,
    /// 100, 1012, 102). The encoder was trained on accent-stripped text, as the decomposed form already was.
    /// </summary>
    [Fact]
    public void Tokenize_ComposedAccents_IdsOfTheStrippedWords()
    {
        var tokens = Tokenizer.Tokenize("Zürich's café serves crème brûlée.", 256);

        Assert.Equal(Tokenizer.Tokenize("Zurich's cafe serves creme brulee.", 256).Ids, tokens.Ids);
        Assert.Equal([101, 10204, 1005, 1055, 7668, 4240, 13675, 21382, 7987, 9307, 2063, 1012, 102], tokens.Ids);
    }

    [Theory]
    [InlineData("Beyoncé Knowles visited Zürich.", "Beyonce\u0301 Knowles visited Zu\u0308rich.")]
    [InlineData("Zürich's café serves crème brûlée.", "Zu\u0308rich's cafe\u0301 serves cre\u0300me bru\u0302le\u0301e.")]
    [InlineData("Ångström met Ñandú in Malmö", "A\u030Angstro\u0308m met N\u0303andu\u0301 in Malmo\u0308")]
    [InlineData("한국 서울", "\u1112\u1161\u11AB\u1100\u116E\u11A8 \u1109\u1165\u110B\u116E\u11AF")]
    public void Tokenize_ComposedAndDecomposed_SameIdsAndSpansCoverSameWords(string composed, string decomposed)
    {
        var a = Tokenizer.Tokenize(composed, 256);
        var b = Tokenizer.Tokenize(decomposed, 256);

        Assert.Equal(a.Ids, b.Ids);
        Assert.Equal(a.WordIndex, b.WordIndex);
        // Same words: split both texts on spaces and punctuation, and every word span is exactly one of them.
        Assert.Equal(SplitWords(composed), Words(composed, a));
        Assert.Equal(SplitWords(decomposed), Words(decomposed, b));
    }

    [Fact]
    public void Tokenize_DecomposedEntity_SpanEndsAfterCombiningMark()
    {
        const string text = "Beyonce\u0301 Knowles visited Zu\u0308rich";

        var tokens = Tokenizer.Tokenize(text, 256);

        // Before: [0,7) "Beyonce", [7,14) " Knowle", [23,29) " Zu\u0308ri": one to the left per earlier mark.
        Assert.Equal(new TextSpan(0, 8), tokens.Words[0]);
        Assert.Equal(new TextSpan(9, 16), tokens.Words[1]);
        Assert.Equal(new TextSpan(25, 32), tokens.Words[3]);
        Assert.Equal("Beyonce\u0301 Knowles", text[tokens.Words[0].Start..tokens.Words[1].End]);
        Assert.Equal("Zu\u0308rich", text[tokens.Words[3].Start..tokens.Words[3].End]);
    }

    [Theory]
    [InlineData("Nguyễn Tiếng Việt", "Nguye\u0302\u0303n Tie\u0302\u0301ng Vie\u0323\u0302t")]
    [InlineData("Nguyễn Tiếng Việt", "Nguye\u0303\u0302n Tie\u0301\u0302ng Vie\u0302\u0323t")] // marks out of canonical order
    [InlineData("Zürich", "Zu\u0308\u0304\u0323rich")] // more marks than the composed form has
    public void Tokenize_MultipleCombiningMarks_SpanCoversAllMarks(string composed, string decomposed)
    {
        var a = Tokenizer.Tokenize(composed, 256);
        var b = Tokenizer.Tokenize(decomposed, 256);

        Assert.Equal(a.Ids, b.Ids);
        Assert.Equal(SplitWords(decomposed), Words(decomposed, b));
        Assert.Equal(decomposed.Length, b.Words[^1].End);
    }

    [Fact]
    public void Tokenize_FullwidthLetters_ReadAsAsciiAndSliceOriginal()
    {
        const string text = "Ｐａｒｉｓ and Ｔｏｋｙｏ１２３";

        var tokens = Tokenizer.Tokenize(text, 256);

        // Fullwidth letters are not in the vocabulary: before, each word was one [UNK].
        Assert.Equal(Tokenizer.Tokenize("Paris and Tokyo123", 256).Ids, tokens.Ids);
        Assert.Equal(["Ｐａｒｉｓ", "and", "Ｔｏｋｙｏ１２３"], Words(text, tokens));
    }

    [Fact]
    public void Tokenize_Ligatures_SpansCoverWholeWords()
    {
        const string text = "The oﬃce ﬁnances";

        var tokens = Tokenizer.Tokenize(text, 256);

        Assert.Equal(["The", "oﬃce", "ﬁnances"], Words(text, tokens));
        // "ﬃ" is not in the vocabulary and reads as "ffi"; "ﬁ" is, and keeps the id the encoder was trained on.
        Assert.Equal(Tokenizer.Tokenize("The office", 256).Ids[..^1], tokens.Ids[..3]);
        Assert.Equal(1984, tokens.Ids[3]);
        Assert.Equal("ﬁ", text[tokens.Starts[3]..tokens.Ends[3]]);
    }

    [Fact]
    public void Tokenize_JoinersInsideWord_OneWordCoveringThem()
    {
        const string text = "Ka\u200Dren wrote soft\u00ADware, Zero\u200Bwidth";

        var tokens = Tokenizer.Tokenize(text, 256);

        // A joiner or soft hyphen is dropped (BERT's cleanup), so the word stays whole; a zero-width space breaks words.
        Assert.Equal(Tokenizer.Tokenize("Karen wrote software, Zero width", 256).Ids, tokens.Ids);
        Assert.Equal(["Ka\u200Dren", "wrote", "soft\u00ADware", ",", "Zero", "width"], Words(text, tokens));
    }

    [Fact]
    public void Tokenize_EmojiNextToWords_SpansExcludeEmoji()
    {
        const string text = "Great👍 show 😀Paris 👨\u200D👩\u200D👧family🎉";

        var tokens = Tokenizer.Tokenize(text, 256);

        Assert.Equal(Tokenizer.Tokenize("Great show Paris family", 256).Ids, tokens.Ids);
        Assert.Equal(["Great", "show", "Paris", "family"], Words(text, tokens));
    }

    [Fact]
    public void Tokenize_CrLf_SpansSliceWordsAcrossLineBreaks()
    {
        const string text = "Barack Obama\r\nvisited\r\n\r\nZu\u0308rich\r\n";

        var tokens = Tokenizer.Tokenize(text, 256);

        Assert.Equal(Tokenizer.Tokenize("Barack Obama visited Zurich", 256).Ids, tokens.Ids);
        Assert.Equal(["Barack", "Obama", "visited", "Zu\u0308rich"], Words(text, tokens));
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

    private static string[] Words(string text, TokenizedText tokens) => [.. tokens.Words.Select(w => text[w.Start..w.End])];

    /// <summary>Words as a reader sees them: split on spaces and on ASCII punctuation, which is its own word.</summary>
    private static string[] SplitWords(string text) =>
        [.. System.Text.RegularExpressions.Regex.Matches(text, @"[^\s\p{P}]+|\p{P}").Select(m => m.Value)];
}
