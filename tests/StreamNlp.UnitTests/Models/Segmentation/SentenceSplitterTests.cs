using CsCheck;
using StreamNlp.Models.Segmentation;

namespace StreamNlp.UnitTests.Models.Segmentation;

public sealed class SentenceSplitterTests
{
    private static string[] Sentences(string text) => [.. SentenceSplitter.Split(text).Select(s => text[s.Start..s.End])];

    [Fact]
    public void Split_TerminatorsBeforeACapital_EndSentences() =>
        Assert.Equal(["Great flight.", "The crew was kind!", "Would I fly again?", "Yes."], Sentences("Great flight. The crew was kind! Would I fly again? Yes."));

    [Fact]
    public void Split_AbbreviationsInitialsAndAcronyms_DoNotEndASentence() =>
        Assert.Equal(
            ["Mr. Smith met Dr. Jones at the U.S. embassy on Jan. 5 with J. K. Rowling.", "They talked."],
            Sentences("Mr. Smith met Dr. Jones at the U.S. embassy on Jan. 5 with J. K. Rowling. They talked."));

    [Theory]
    [InlineData("It costs 3.50 dollars and weighs 1.5 kg.")] // a decimal point is not followed by white space
    [InlineData("it was bad. the food was cold too.")] // no capital after the period: kept together (lower-cased text)
    [InlineData("See www.example.com for details.")]
    public void Split_NoSentenceBoundary_IsOneSentence(string text) => Assert.Equal([text], Sentences(text));

    [Fact]
    public void Split_ClosingQuotesStayWithTheirSentence() =>
        Assert.Equal(["He said \"Stop.\"", "Then he left (quietly.)", "Fine."], Sentences("He said \"Stop.\" Then he left (quietly.) Fine."));

    [Fact]
    public void Split_LineBreaksEndSentences_AndBlankLinesAreSkipped() =>
        Assert.Equal(["Worst airline ever", "Lost my bag.", "Never again"], Sentences("Worst airline ever\r\n\r\n  Lost my bag.\nNever again  "));

    [Fact]
    public void Split_PunctuationAlone_JoinsTheSentenceBefore() =>
        Assert.Equal(["Terrible service!!!\n:(", "Never again."], Sentences("Terrible service!!!\n:(\nNever again."));

    [Fact]
    public void Split_LeadingPunctuationAlone_JoinsTheFirstSentence() =>
        Assert.Equal(["***\nGood value.", "Recommended."], Sentences("***\nGood value. Recommended."));

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public void Split_WhiteSpaceOnly_HasNoSentence(string text) => Assert.Empty(Sentences(text));

    [Fact]
    public void Split_AnyText_GivesOrderedTrimmedSpansCoveringEveryVisibleCharacter()
    {
        char[] characters = ['a', 'B', 'z', 'Q', '7', ' ', ' ', '.', '!', '?', '"', ')', '\n', '\r', '\t', '\u00A0', '\u2026', 'é', '\uD83D', '\uDE00', ':'];
        var alphabet = Gen.Int[0, characters.Length - 1].Select(i => characters[i]);
        alphabet.Array[0, 200].Select(chars => new string(chars)).Sample(text =>
        {
            var spans = SentenceSplitter.Split(text).ToList();
            var covered = new bool[text.Length];
            var previousEnd = 0;
            foreach (var span in spans)
            {
                Assert.True(span.Start >= previousEnd && span.End > span.Start && span.End <= text.Length, $"bad span {span} in {text.Length} chars");
                Assert.False(char.IsWhiteSpace(text[span.Start]) || char.IsWhiteSpace(text[span.End - 1]), "span not trimmed");
                for (var i = span.Start; i < span.End; i++)
                {
                    covered[i] = true;
                }

                previousEnd = span.End;
            }

            for (var i = 0; i < text.Length; i++)
            {
                Assert.True(covered[i] || char.IsWhiteSpace(text[i]), $"character {i} ('{text[i]}') is in no sentence");
            }
        }, iter: 2000);
    }
}
