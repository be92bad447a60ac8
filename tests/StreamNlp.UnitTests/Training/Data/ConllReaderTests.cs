using StreamNlp.Models.Tokenization;
using StreamNlp.Training.Data;

namespace StreamNlp.UnitTests.Training.Data;

public sealed class ConllReaderTests
{
    /// <summary>Two sentences in the two-column, IOB2 format of the project's data files.</summary>
    private const string TwoColumnIob2 =
        "EU\tB-ORG\nrejects\tO\nGerman\tB-MISC\ncall\tO\n.\tO\n\n" +
        "Peter\tB-PER\nBlackburn\tI-PER\nmet\tO\nJohn\tB-PER\nSmith\tI-PER\nand\tO\nMary\tB-PER\nin\tO\nNew\tB-LOC\nYork\tI-LOC\n";

    /// <summary>The same sentences in the original CoNLL-2003 release format: four columns, IOB1, -DOCSTART-.</summary>
    private const string FourColumnIob1 =
        "-DOCSTART- -X- -X- O\n\n" +
        "EU NNP B-NP I-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP I-MISC\ncall NN I-NP O\n. . O O\n\n" +
        "Peter NNP B-NP I-PER\nBlackburn NNP I-NP I-PER\nmet VBD B-VP O\nJohn NNP B-NP I-PER\nSmith NNP I-NP I-PER\n" +
        "and CC O O\nMary NNP B-NP B-PER\nin IN B-PP O\nNew NNP B-NP I-LOC\nYork NNP I-NP I-LOC\n\n\n";

    [Fact]
    public void Read_TwoColumnIob2_ReturnsSentencesWithTagsUnchanged()
    {
        using var file = new TemporaryFile(TwoColumnIob2);

        var sentences = ConllReader.Read(file.Path);

        Assert.Equal(2, sentences.Count);
        Assert.Equal(["EU", "rejects", "German", "call", "."], sentences[0].Tokens);
        Assert.Equal(["B-ORG", "O", "B-MISC", "O", "O"], sentences[0].Tags);
        Assert.Equal(
            ["B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-PER", "O", "B-LOC", "I-LOC"],
            sentences[1].Tags);
    }

    [Fact]
    public void Read_FourColumnIob1WithDocStart_GivesSameIob2SentencesAsTwoColumn()
    {
        using var iob1 = new TemporaryFile(FourColumnIob1);
        using var iob2 = new TemporaryFile(TwoColumnIob2);

        var fromIob1 = ConllReader.Read(iob1.Path);
        var fromIob2 = ConllReader.Read(iob2.Path);

        Assert.Equal(fromIob2.Count, fromIob1.Count);
        for (var i = 0; i < fromIob2.Count; i++)
        {
            Assert.Equal(fromIob2[i].Tokens, fromIob1[i].Tokens);
            Assert.Equal(fromIob2[i].Tags, fromIob1[i].Tags);
        }
    }

    [Fact]
    public void Read_SpaceSeparatedTwoColumns_AndMissingFinalBlankLine_Works()
    {
        using var file = new TemporaryFile("Paris  B-LOC\r\nis O\r\n\r\n\r\nfine O");

        var sentences = ConllReader.Read(file.Path);

        Assert.Equal(2, sentences.Count);
        Assert.Equal(["Paris", "is"], sentences[0].Tokens);
        Assert.Equal(["B-LOC", "O"], sentences[0].Tags);
        Assert.Equal(["fine"], sentences[1].Tokens);
    }

    [Theory]
    [InlineData("EU B-ORG\nrejects\n", 2, "expected 'token tag'")]
    [InlineData("EU B-ORG\n\nrejects X-ORG\n", 3, "tag 'X-ORG'")]
    [InlineData("EU B-\n", 1, "tag 'B-'")]
    [InlineData("EU S-ORG\n", 1, "tag 'S-ORG'")]
    public void Read_BadLine_ThrowsNamingFileAndLine(string content, int line, string problem)
    {
        using var file = new TemporaryFile(content);

        var error = Assert.Throws<InvalidDataException>(() => ConllReader.Read(file.Path));

        Assert.Contains(file.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains($"line {line}:", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToIob2_ConvertsOnlyInsideTagsThatDoNotContinueTheirType()
    {
        string[] tags = ["I-PER", "I-PER", "I-LOC", "O", "I-LOC", "B-LOC", "I-LOC", "B-PER", "I-ORG"];

        var converted = ConllReader.ToIob2(tags);

        Assert.Equal(["B-PER", "I-PER", "B-LOC", "O", "B-LOC", "B-LOC", "I-LOC", "B-PER", "B-ORG"], converted);
    }

    [Fact]
    public void ToText_JoinsWithSingleSpacesAndGivesTokenOffsets()
    {
        var sentence = new ConllSentence(["Peter", "Blackburn", "visited", "U.S.", "."], ["B-PER", "I-PER", "O", "B-LOC", "O"]);

        var text = ConllReader.ToText(sentence);

        Assert.Equal("Peter Blackburn visited U.S. .", text.Text);
        Assert.Equal(
            [new TextSpan(0, 5), new TextSpan(6, 15), new TextSpan(16, 23), new TextSpan(24, 28), new TextSpan(29, 30)],
            text.TokenSpans);
        for (var i = 0; i < sentence.Tokens.Count; i++)
        {
            var span = text.TokenSpans[i];
            Assert.Equal(sentence.Tokens[i], text.Text[span.Start..span.End]);
        }
    }

    [Fact]
    public void ConllSentence_MismatchedLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ConllSentence(["a", "b"], ["O"]));
    }
}
