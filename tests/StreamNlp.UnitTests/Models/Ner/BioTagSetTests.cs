using StreamNlp.Models.Ner;

namespace StreamNlp.UnitTests.Models.Ner;

public sealed class BioTagSetTests
{
    private static readonly BioTagSet Tags = new(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]);

    [Fact]
    public void Constructor_KeepsOrderAndParsesKindsAndTypes()
    {
        Assert.Equal(5, Tags.Count);
        Assert.Equal(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"], Tags.Labels);
        Assert.Equal(["PER", "LOC"], Tags.EntityTypes);
        Assert.Equal(BioTagKind.Outside, Tags.KindOf(0));
        Assert.Equal(BioTagKind.Begin, Tags.KindOf(3));
        Assert.Equal(BioTagKind.Inside, Tags.KindOf(4));
        Assert.Null(Tags.EntityTypeOf(0));
        Assert.Equal("LOC", Tags.EntityTypeOf(4));
        Assert.Equal(2, Tags.IndexOf("I-PER"));
        Assert.Equal(-1, Tags.IndexOf("B-ORG"));
    }

    [Theory]
    [InlineData("O", "I-PER", false)]
    [InlineData("B-PER", "I-PER", true)]
    [InlineData("I-PER", "I-PER", true)]
    [InlineData("B-LOC", "I-PER", false)]
    [InlineData("I-LOC", "I-PER", false)]
    [InlineData("I-PER", "O", true)]
    [InlineData("O", "B-LOC", true)]
    [InlineData("I-PER", "B-PER", true)]
    [InlineData("B-PER", "B-LOC", true)]
    public void IsAllowed_InsideOnlyContinuesItsOwnType(string from, string to, bool allowed)
    {
        Assert.Equal(allowed, Tags.IsAllowed(Tags.IndexOf(from), Tags.IndexOf(to)));
    }

    [Fact]
    public void CanStart_IsFalseOnlyForInsideTags()
    {
        Assert.True(Tags.CanStart(Tags.IndexOf("O")));
        Assert.True(Tags.CanStart(Tags.IndexOf("B-PER")));
        Assert.False(Tags.CanStart(Tags.IndexOf("I-PER")));
        Assert.False(Tags.CanStart(Tags.IndexOf("I-LOC")));
    }

    [Fact]
    public void IsValidSequence_ChecksStartAndTransitions()
    {
        Assert.True(Tags.IsValidSequence([1, 2, 2, 0, 3, 4]));
        Assert.True(Tags.IsValidSequence([]));
        Assert.False(Tags.IsValidSequence([2]));
        Assert.False(Tags.IsValidSequence([0, 4]));
        Assert.False(Tags.IsValidSequence([1, 4]));
        Assert.False(Tags.IsValidSequence([0, 9]));
    }

    [Fact]
    public void FromEntityTypes_BuildsOutsideThenBeginInsidePairs()
    {
        var tags = BioTagSet.FromEntityTypes(["PER", "ORG"]);

        Assert.Equal(["O", "B-PER", "I-PER", "B-ORG", "I-ORG"], tags.Labels);
    }

    [Theory]
    [InlineData("X-PER")]
    [InlineData("B-")]
    [InlineData("BPER")]
    [InlineData("")]
    [InlineData("o")]
    public void Constructor_InvalidLabel_Throws(string label)
    {
        Assert.Throws<ArgumentException>(() => new BioTagSet(["O", label]));
    }

    [Fact]
    public void Constructor_DuplicateOrOnlyInsideLabels_Throws()
    {
        Assert.Throws<ArgumentException>(() => new BioTagSet(["O", "B-PER", "O"]));
        Assert.Throws<ArgumentException>(() => new BioTagSet(["I-PER", "I-LOC"]));
        Assert.Throws<ArgumentException>(() => new BioTagSet([]));
    }
}
