using StreamNlp.Retrainer.Leadership;

namespace StreamNlp.UnitTests.Retrainer.Leadership;

/// <summary>The instance id kept beside the feedback database, and the group names made from it.</summary>
public sealed class RetrainerInstanceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"instance-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void LoadOrCreate_FirstStart_WritesAnIdBesideTheDatabase_AndARestartReusesIt()
    {
        var database = Path.Combine(_root, "home", "feedback.db");

        var first = RetrainerInstance.LoadOrCreate(database);
        var again = RetrainerInstance.LoadOrCreate(database);

        Assert.True(RetrainerInstance.IsValid(first));
        Assert.Equal(first, again);
        Assert.Equal(database + ".instance", RetrainerInstance.IdFileFor(database));
        Assert.Equal(first, File.ReadAllText(database + ".instance").Trim());
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_root, "home"))); // no temporary file left behind
    }

    [Fact]
    public void LoadOrCreate_AnotherDatabase_GetsAnotherId()
    {
        var a = RetrainerInstance.LoadOrCreate(Path.Combine(_root, "a", "feedback.db"));
        var b = RetrainerInstance.LoadOrCreate(Path.Combine(_root, "b", "feedback.db"));
        var c = RetrainerInstance.LoadOrCreate(Path.Combine(_root, "a", "other.db"));

        Assert.Equal(3, new[] { a, b, c }.Distinct().Count());
    }

    [Fact]
    public void LoadOrCreate_AFileWithoutAValidId_IsAnErrorNamingTheFile_NotSilentlyReplaced()
    {
        var database = Path.Combine(_root, "feedback.db");
        Directory.CreateDirectory(_root);
        File.WriteAllText(database + ".instance", "not an id!\n");

        var ex = Assert.Throws<InvalidDataException>(() => RetrainerInstance.LoadOrCreate(database));

        Assert.Contains(database + ".instance", ex.Message, StringComparison.Ordinal);
        Assert.Equal("not an id!\n", File.ReadAllText(database + ".instance"));
    }

    [Fact]
    public void LoadOrCreate_AnIdWrittenByHand_IsUsed()
    {
        var database = Path.Combine(_root, "feedback.db");
        Directory.CreateDirectory(_root);
        File.WriteAllText(database + ".instance", "pod-a\n");

        Assert.Equal("pod-a", RetrainerInstance.LoadOrCreate(database));
    }

    [Fact]
    public void GroupIds_EachInstanceReadsFeedbackInItsOwnGroup_AndAllShareOneLeaseGroup()
    {
        Assert.Equal("streamnlp-retrainer-0a1b2c3d4e5f", RetrainerInstance.FeedbackGroupId("streamnlp-retrainer", "0a1b2c3d4e5f"));
        Assert.NotEqual(RetrainerInstance.FeedbackGroupId("g", "one"), RetrainerInstance.FeedbackGroupId("g", "two"));
        Assert.Equal("streamnlp-retrainer-lease", RetrainerInstance.LeaseGroupId("streamnlp-retrainer"));
        Assert.NotEqual("streamnlp-retrainer", RetrainerInstance.LeaseGroupId("streamnlp-retrainer")); // not the dead-letter group
    }

    [Theory]
    [InlineData("")]
    [InlineData("lease")] // would be the lease group
    [InlineData("UPPER")]
    [InlineData("a b")]
    public void FeedbackGroupId_NotAnInstanceId_Throws(string id)
    {
        Assert.Throws<ArgumentException>(() => RetrainerInstance.FeedbackGroupId("streamnlp-retrainer", id));
    }
}
