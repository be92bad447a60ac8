using StreamNlp.Core.Contracts;
using StreamNlp.Training.Data;
using StreamNlp.Training.Evaluation;

namespace StreamNlp.UnitTests.Training.Evaluation;

public sealed class ModelEvaluatorTests
{
    [Fact]
    public void TokenTags_CharacterSpans_BecomeBioTagsPerConllToken()
    {
        var sentence = new ConllSentence(["New", "York", "is", "in", "the", "U.S.", "."], ["B-LOC", "I-LOC", "O", "O", "O", "B-LOC", "O"]);
        var text = ConllReader.ToText(sentence); // "New York is in the U.S. ."
        EntityMention[] entities =
        [
            new("New York", "LOC", 0, 8, 0.9f),
            new("U.S.", "LOC", 19, 23, 0.8f),
        ];

        var tags = ModelEvaluator.TokenTags(text, entities);

        Assert.Equal(["B-LOC", "I-LOC", "O", "O", "O", "B-LOC", "O"], tags);
    }

    [Fact]
    public void TokenTags_EntityStartingInsideAToken_LeavesThatTokenOutside()
    {
        var sentence = new ConllSentence(["pre-Obama", "era"], ["O", "O"]);
        var text = ConllReader.ToText(sentence);

        var tags = ModelEvaluator.TokenTags(text, [new EntityMention("Obama", "PER", 4, 9, 0.9f)]);

        Assert.Equal(["O", "O"], tags);
    }
}
