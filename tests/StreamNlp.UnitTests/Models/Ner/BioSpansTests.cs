using StreamNlp.Models.Ner;

namespace StreamNlp.UnitTests.Models.Ner;

public sealed class BioSpansTests
{
    [Fact]
    public void FromTags_WellFormedSequence_GivesEndExclusiveSpans()
    {
        var spans = BioSpans.FromTags(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC", "O", "B-MISC"]);

        Assert.Equal(
            [new EntitySpan(0, 2, "PER"), new EntitySpan(3, 4, "LOC"), new EntitySpan(4, 6, "LOC"), new EntitySpan(7, 8, "MISC")],
            spans);
    }

    [Fact]
    public void FromTags_IllFormedSequence_FollowsConlleval()
    {
        // I-PER after O starts a PER; I-LOC after I-PER starts a LOC; a trailing entity is closed at the end.
        var spans = BioSpans.FromTags(["O", "I-PER", "I-PER", "I-LOC", "B-ORG", "I-ORG"]);

        Assert.Equal([new EntitySpan(1, 3, "PER"), new EntitySpan(3, 4, "LOC"), new EntitySpan(4, 6, "ORG")], spans);
    }

    [Fact]
    public void FromTags_Indices_MatchesStringVersion()
    {
        var tags = BioTagSet.FromEntityTypes(["PER", "LOC"]);
        string[] labels = ["B-PER", "I-PER", "I-PER", "O", "I-LOC", "B-PER"];
        var indices = labels.Select(tags.IndexOf).ToArray();

        Assert.Equal(BioSpans.FromTags(labels), BioSpans.FromTags(indices, tags));
        Assert.Equal(3, BioSpans.FromTags(indices, tags).Count);
    }

    [Fact]
    public void FromTags_OnlyOutside_GivesNoSpans()
    {
        Assert.Empty(BioSpans.FromTags(["O", "O"]));
        Assert.Empty(BioSpans.FromTags(Array.Empty<string>()));
    }

    [Fact]
    public void FromTags_InvalidLabelOrIndex_Throws()
    {
        Assert.Throws<ArgumentException>(() => BioSpans.FromTags(["O", "E-PER"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BioSpans.FromTags([0, 7], BioTagSet.FromEntityTypes(["PER"])));
    }
}
