using StreamNlp.Core.Contracts;
using StreamNlp.Core.Tasks;
using StreamNlp.Retrainer.Labeling;

namespace StreamNlp.UnitTests.Retrainer.Labeling;

public sealed class ReviewPromptTests
{
    private static ReviewItem Topic() => new()
    {
        Id = "doc-1",
        Task = "classification",
        Text = "Knead the dough and bake it.",
        Prediction = new LabelPrediction("business", 0.4f, new Dictionary<string, float> { ["business"] = 0.4f, ["tech"] = 0.35f }),
        Confidence = 0.4f,
        ModelVersion = "v1",
        Source = new SourceCoordinates("nlp.input", 0, 7),
    };

    private static ReviewItem Entities() => new()
    {
        Id = "doc-2",
        Task = "ner",
        Text = "Barack Obama visited Paris.",
        Entities = [new EntityMention("Barack", "PER", 0, 6, 0.4f)],
        Confidence = 0.4f,
        ModelVersion = "v1",
        Source = new SourceCoordinates("nlp.input", 0, 8),
    };

    private static LabelDecision Answer(ReviewItem item, string answers) =>
        new ReviewPrompt(new StringReader(answers), TextWriter.Null, "tester").Ask(item);

    [Fact]
    public void Ask_EmptyAnswer_AcceptsTheGuess()
    {
        var decision = Answer(Topic(), "\n");

        Assert.Equal("business", decision.Feedback!.Label);
        Assert.Equal(NlpTask.Classification, decision.Feedback.Task);
        Assert.Equal("doc-1", decision.Feedback.Id);
        Assert.Equal("tester", decision.Feedback.Source);
    }

    [Fact]
    public void Ask_Label_CorrectsEvenWithANewLabel()
    {
        Assert.Equal("cooking", Answer(Topic(), "cooking\n").Feedback!.Label);
    }

    [Fact]
    public void Ask_SkipAndQuit_PublishNothing()
    {
        Assert.Null(Answer(Topic(), "s\n").Feedback);
        Assert.False(Answer(Topic(), "s\n").Quit);
        Assert.True(Answer(Topic(), "q\n").Quit);
        Assert.True(Answer(Topic(), "").Quit); // end of input
    }

    [Fact]
    public void Ask_NerCorrection_FindsSpansInTheText()
    {
        var decision = Answer(Entities(), "Barack Obama=PER; Paris=LOC\n");

        var entities = decision.Feedback!.Entities!;
        Assert.Equal(2, entities.Count);
        Assert.Equal((0, 12, "PER"), (entities[0].Start, entities[0].End, entities[0].Label));
        Assert.Equal((21, 26, "LOC"), (entities[1].Start, entities[1].End, entities[1].Label));
    }

    [Fact]
    public void Ask_NerTextNotInSentence_AsksAgain()
    {
        var decision = Answer(Entities(), "Angela Merkel=PER\nnone\n");

        Assert.Empty(decision.Feedback!.Entities!);
    }
}
