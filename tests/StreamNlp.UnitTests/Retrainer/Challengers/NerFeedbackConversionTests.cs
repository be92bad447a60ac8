using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Ner;
using StreamNlp.Models.Tokenization;
using StreamNlp.UnitTests.Models.Tokenization;
using StreamNlp.Retrainer.Challengers.Ner;
using StreamNlp.Training.Data;

namespace StreamNlp.UnitTests.Retrainer.Challengers;

public sealed class NerFeedbackConversionTests
{
    private static TextTokenizer Tokenizer => SharedTokenizer.Instance;

    private static FeedbackEntity Entity(string text, string mention, string label)
    {
        var start = text.IndexOf(mention, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{mention}' is not in '{text}'");
        return new FeedbackEntity(start, start + mention.Length, label);
    }

    [Fact]
    public void ToSentence_MultiWordEntity_BeginsThenContinues()
    {
        const string text = "Patients took 20 mg of acetylsalicylic acid daily.";

        var sentence = NerFeedbackConversion.ToSentence(Tokenizer, text, [Entity(text, "acetylsalicylic acid", "DRUG")]);

        Assert.Equal(["Patients", "took", "20", "mg", "of", "acetylsalicylic", "acid", "daily", "."], sentence.Tokens);
        Assert.Equal(["O", "O", "O", "O", "O", "B-DRUG", "I-DRUG", "O", "O"], sentence.Tags);
    }

    [Fact]
    public void ToSentence_EntityMidTextAndAtEnd_TagsOnlyItsWords()
    {
        const string text = "Yesterday Anna Schmidt flew from Berlin to Lisbon";

        var sentence = NerFeedbackConversion.ToSentence(
            Tokenizer, text, [Entity(text, "Anna Schmidt", "PER"), Entity(text, "Berlin", "LOC"), Entity(text, "Lisbon", "LOC")]);

        Assert.Equal(["O", "B-PER", "I-PER", "O", "O", "B-LOC", "O", "B-LOC"], sentence.Tags);
    }

    [Fact]
    public void ToSentence_PunctuationSplitsWords_EveryPieceStaysInTheEntity()
    {
        const string text = "She moved to the U.S. in 2019.";

        var sentence = NerFeedbackConversion.ToSentence(Tokenizer, text, [Entity(text, "U.S.", "LOC")]);

        Assert.Equal(["She", "moved", "to", "the", "U", ".", "S", ".", "in", "2019", "."], sentence.Tokens);
        Assert.Equal(["O", "O", "O", "O", "B-LOC", "I-LOC", "I-LOC", "I-LOC", "O", "O", "O"], sentence.Tags);
    }

    [Fact]
    public void ToSentence_AdjacentEntitiesOfOneType_EachBegins()
    {
        const string text = "Mix ibuprofen, paracetamol";

        var sentence = NerFeedbackConversion.ToSentence(
            Tokenizer, text, [Entity(text, "paracetamol", "DRUG"), Entity(text, "ibuprofen,", "DRUG")]);

        Assert.Equal(["O", "B-DRUG", "I-DRUG", "B-DRUG"], sentence.Tags);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ToSentence_NoEntities_AllOutside(bool nullList)
    {
        const string text = "Nothing to see here, really.";

        var example = NerFeedbackConversion.ToExample(Tokenizer, text, nullList ? null : []);

        Assert.Equal(["Nothing", "to", "see", "here", ",", "really", "."], example.Sentence.Tokens);
        Assert.All(example.Sentence.Tags, t => Assert.Equal(BioTagSet.OutsideLabel, t));
        Assert.Empty(example.Gold);
    }

    [Fact]
    public void ToExample_NewEntityType_IsKeptAndGivesWordSpans()
    {
        const string text = "The trial gave 5 mg of semaglutide weekly.";

        var example = NerFeedbackConversion.ToExample(Tokenizer, text, [Entity(text, "semaglutide", "DRUG")]);

        Assert.Contains("B-DRUG", example.Sentence.Tags);
        Assert.Equal([new EntitySpan(6, 7, "DRUG")], example.Gold);
        var tagSet = BioTagSet.FromEntityTypes(["DRUG", "PER"]);
        Assert.All(example.Sentence.Tags, t => Assert.True(tagSet.IndexOf(t) >= 0, t));
    }

    [Fact]
    public void FromConll_TokenTagsBecomeWordSpansOfTheJoinedText()
    {
        var sentence = new ConllSentence(["EU", "rejects", "U.S.", "call"], ["B-ORG", "O", "B-LOC", "O"]);

        var example = NerFeedbackConversion.FromConll(Tokenizer, sentence);

        Assert.Equal("EU rejects U.S. call", example.Text);
        Assert.Equal(["B-ORG", "O", "B-LOC", "I-LOC", "I-LOC", "I-LOC", "O"], example.Sentence.Tags);
        Assert.Equal([new EntitySpan(0, 1, "ORG"), new EntitySpan(2, 6, "LOC")], example.Gold);
    }
}
