using StreamNlp.Models.Tokenization;

namespace StreamNlp.UnitTests.Models.Tokenization;

public sealed class TextNormalizerTests
{
    private static readonly HashSet<string> Vocabulary = ["ﬁ", "##ﬁ", "…", "##…"];

    [Fact]
    public void Normalize_DecomposedText_DropsMarksAndMapsBackToWholeCharacters()
    {
        const string text = "Zu\u0308rich";

        var normalized = new TextNormalizer(uncased: true, Vocabulary).Normalize(text);

        Assert.Equal("zurich", normalized.Text);
        Assert.Equal(new TextSpan(0, 7), normalized.ToOriginal(0, 6));
        Assert.Equal(new TextSpan(1, 3), normalized.ToOriginal(1, 2)); // "u" covers its diaeresis
        Assert.Equal(new TextSpan(3, 4), normalized.ToOriginal(2, 3));
    }

    [Fact]
    public void Normalize_ComposedAccents_DecomposedWithoutTheRuntime()
    {
        // string.Normalize is a no-op under InvariantGlobalization; the normalizer carries its own table.
        var normalized = new TextNormalizer(uncased: true, Vocabulary).Normalize("Ångström Ελλάδα İ 한");

        Assert.Equal("angstrom ελλαδα i \u1112\u1161\u11AB", normalized.Text);
        Assert.Equal(new TextSpan(18, 19), normalized.ToOriginal(18, 21)); // three jamo, one syllable
    }

    [Fact]
    public void Normalize_CompatibilityCharacters_FoldedOnlyWhenTheVocabularyLacksThem()
    {
        const string text = "Ｐａｒｉｓ ﬁ ﬃ …";

        var normalized = new TextNormalizer(uncased: true, Vocabulary).Normalize(text);

        Assert.Equal("paris ﬁ ffi …", normalized.Text);
        Assert.Equal(new TextSpan(8, 9), normalized.ToOriginal(8, 11));
    }

    [Fact]
    public void Normalize_Cased_KeepsCaseAndAccents()
    {
        var normalized = new TextNormalizer(uncased: false, Vocabulary).Normalize("Zürich\r\nCafe\u0301");

        Assert.Equal("Zürich  Cafe\u0301", normalized.Text);
    }

    [Fact]
    public void Normalize_ControlAndFormatCharacters_DroppedOrSpaced()
    {
        const string text = "a\u0000b\uFFFDc\u200Dd\u200Be\tf\u00ADg";

        var normalized = new TextNormalizer(uncased: true, Vocabulary).Normalize(text);

        Assert.Equal("abcd e fg", normalized.Text);
        Assert.Equal(new TextSpan(0, text.Length), normalized.ToOriginal(0, normalized.Text.Length));
    }

    [Fact]
    public void Normalize_PlainAscii_IdentityMap()
    {
        const string text = "Hello,\r\nWorld!";

        var normalized = new TextNormalizer(uncased: true, Vocabulary).Normalize(text);

        Assert.Equal("hello,  world!", normalized.Text);
        Assert.Equal(new TextSpan(8, 13), normalized.ToOriginal(8, 13));
    }
}
