using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StreamNlp.Core.Contracts;
using StreamNlp.Core.Tasks;
using StreamNlp.Labeling.Configuration;
using StreamNlp.Labeling.Queue;

namespace StreamNlp.UnitTests.Labeling.Queue;

public sealed class ReviewQueueTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    private ReviewQueue NewQueue(int leaseSeconds = 60) => new(_time, Options.Create(new LabelingOptions { LeaseSeconds = leaseSeconds }));

    private static ReviewItem Item(string id, string task = "classification") => new()
    {
        Id = id,
        Task = task,
        Text = $"text of {id}",
        Prediction = task == "ner" ? null : new LabelPrediction("world", 0.5f, new Dictionary<string, float> { ["world"] = 0.5f }),
        Entities = task == "ner" ? [new EntityMention("text", "MISC", 0, 4, 0.5f)] : null,
        Confidence = 0.5f,
        ModelVersion = "v1",
        Source = new SourceCoordinates("nlp.input", 0, 0),
    };

    private static ReviewQueue Filled(ReviewQueue queue, int count)
    {
        for (var i = 0; i < count; i++)
        {
            queue.Add(Item($"r{i}"), partition: 0, offset: i);
        }

        return queue;
    }

    [Fact]
    public void Lease_TwoAnnotators_NeverGetTheSameItem()
    {
        var queue = Filled(NewQueue(), 5);

        var alice = queue.Lease(null, 3, "alice").Select(l => l.Item.Id).ToList();
        var bob = queue.Lease(null, 3, "bob").Select(l => l.Item.Id).ToList();

        Assert.Equal(["r0", "r1", "r2"], alice);
        Assert.Equal(["r3", "r4"], bob);
    }

    [Fact]
    public void Lease_SameAnnotatorAgain_GetsItsOwnItemsFirstWithTheLeaseRenewed()
    {
        var queue = Filled(NewQueue(leaseSeconds: 60), 3);
        var first = queue.Lease(null, 1, "alice").Single();
        _time.Advance(TimeSpan.FromSeconds(30));

        var again = queue.Lease(null, 2, "alice");

        Assert.Equal(["r0", "r1"], again.Select(l => l.Item.Id));
        Assert.Equal(first.ExpiresAt + TimeSpan.FromSeconds(30), again[0].ExpiresAt);
    }

    [Fact]
    public void Lease_AfterTheTimeOut_TheItemGoesToAnotherAnnotator()
    {
        var queue = Filled(NewQueue(leaseSeconds: 60), 1);
        Assert.Single(queue.Lease(null, 1, "alice"));

        Assert.Empty(queue.Lease(null, 1, "bob"));
        _time.Advance(TimeSpan.FromSeconds(61));
        var bob = queue.Lease(null, 1, "bob");

        Assert.Equal("r0", Assert.Single(bob).Item.Id);
    }

    [Fact]
    public void Skip_ReleasesTheItemToOthersButNotBackToTheSkipper()
    {
        var queue = Filled(NewQueue(), 1);
        var lease = queue.Lease(null, 1, "alice").Single();

        Assert.Equal(SkipOutcome.Released, queue.Skip(lease.ReviewId, "alice"));

        Assert.Empty(queue.Lease(null, 1, "alice"));
        Assert.Equal("r0", Assert.Single(queue.Lease(null, 1, "bob")).Item.Id);
    }

    [Fact]
    public void Skip_ItemLeasedByAnother_IsRefusedAndUnknownIdIsNotFound()
    {
        var queue = Filled(NewQueue(), 1);
        var lease = queue.Lease(null, 1, "alice").Single();

        Assert.Equal(SkipOutcome.LeasedByOther, queue.Skip(lease.ReviewId, "bob"));
        Assert.Equal(SkipOutcome.NotFound, queue.Skip("classification-0-99", "bob"));
        Assert.True(queue.IsLeasedToOther(NlpTask.Classification, "r0", "bob"));
        Assert.False(queue.IsLeasedToOther(NlpTask.Classification, "r0", "alice"));
    }

    [Fact]
    public void Lease_TaskFilter_OnlyThatTasksItems()
    {
        var queue = NewQueue();
        queue.Add(Item("a"), 0, 0);
        queue.Add(Item("a", "ner"), 0, 1);
        queue.Add(Item("b", "sentiment"), 0, 2);

        var ner = queue.Lease(NlpTask.Ner, 5, "alice");

        Assert.Equal("a", Assert.Single(ner).Item.Id);
        Assert.Equal("ner", ner[0].Item.Task);
        Assert.Equal("ner-0-1", ner[0].ReviewId);
    }

    [Fact]
    public void Add_SameRecordForTwoTasks_BothQueued_SameTaskAgainIsNot()
    {
        var queue = NewQueue();

        Assert.True(queue.Add(Item("a"), 0, 0));
        Assert.True(queue.Add(Item("a", "sentiment"), 0, 1));
        Assert.False(queue.Add(Item("a"), 0, 2));
        Assert.False(queue.Add(null, 0, 3));
        Assert.False(queue.Add(Item("x", "poetry"), 0, 4));

        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public void Committable_StopsAtTheFirstUnlabelledItem_UntilMarkedCommitted()
    {
        var queue = NewQueue();
        queue.Add(Item("a"), 0, 10);
        queue.Add(Item("b"), 0, 11);
        queue.Add(null, 1, 5); // unreadable: finished at once

        var first = queue.Committable();
        Assert.Contains((0, 10L), first);
        Assert.Contains((1, 6L), first);
        Assert.Equal(first, queue.Committable()); // not yet marked: a failed commit is offered again
        queue.MarkCommitted(first);

        Assert.True(queue.Complete(NlpTask.Classification, "b"));
        Assert.Empty(queue.Committable()); // "a" at 10 is still waiting

        Assert.True(queue.Complete(NlpTask.Classification, "a"));
        Assert.Equal([(0, 12L)], queue.Committable());
        Assert.False(queue.Complete(NlpTask.Classification, "a"));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void DropPartitions_ForgetsTheirItems()
    {
        var queue = NewQueue();
        queue.Add(Item("a"), 0, 0);
        queue.Add(Item("b"), 1, 0);

        queue.DropPartitions([1]);

        Assert.Equal("a", Assert.Single(queue.Lease(null, 5, "alice")).Item.Id);
        Assert.Equal([(0, 0L)], queue.Committable());
    }
}
