using Microsoft.Data.Sqlite;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.Retrainer.Storage;

namespace StreamNlp.UnitTests.Retrainer.Storage;

public sealed class FeedbackStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 10, 0, 0, TimeSpan.FromHours(2));

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"streamnlp-store-{Guid.NewGuid():N}");

    private string DatabasePath => Path.Combine(_folder, "nested", "feedback.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void Constructor_CreatesFolderFileAndWalSchema()
    {
        using (var store = new FeedbackStore(DatabasePath))
        {
            Assert.Equal(Path.GetFullPath(DatabasePath), store.DatabasePath);
            Assert.Equal(0, store.Count(NlpTask.Sentiment));
        }

        Assert.True(File.Exists(DatabasePath));
        Assert.Equal("wal", QueryScalar("PRAGMA journal_mode"));
        Assert.Equal((long)FeedbackStore.SchemaVersion, QueryScalar("SELECT MAX(version) FROM schema_version"));
    }

    [Fact]
    public void Constructor_NewerSchemaVersion_IsRefused()
    {
        new FeedbackStore(DatabasePath).Dispose();
        Execute("UPDATE schema_version SET version = 99");

        var error = Assert.Throws<InvalidOperationException>(() => new FeedbackStore(DatabasePath));

        Assert.Contains("99", error.Message);
    }

    [Fact]
    public void Upsert_NewText_IsInsertedUnused()
    {
        using var store = new FeedbackStore(DatabasePath);

        var outcome = store.Upsert(Sentiment("Great film", "positive", id: "r-1", source: "alice"), T0);

        Assert.Equal(FeedbackUpsertOutcome.Inserted, outcome);
        Assert.Equal(1, store.Count(NlpTask.Sentiment));
        Assert.Equal(1, store.CountUnused(NlpTask.Sentiment));
        var stored = Assert.Single(store.All(NlpTask.Sentiment));
        Assert.Equal(Sentiment("Great film", "positive", id: "r-1", source: "alice"), stored.Example);
        Assert.Equal(T0, stored.ReceivedAt);
        Assert.False(stored.Used);
    }

    [Fact]
    public void Upsert_SameLabel_IsUnchangedAndOnlyRefreshesMetadata()
    {
        using var store = new FeedbackStore(DatabasePath);
        store.Upsert(Sentiment("Great film", "positive", id: "r-1", source: "alice"), T0);
        var rowId = store.All(NlpTask.Sentiment)[0].RowId;
        store.MarkUsed(NlpTask.Sentiment, rowId);

        var outcome = store.Upsert(Sentiment("Great film", "positive", id: null, source: "bob"), T0.AddHours(1));

        Assert.Equal(FeedbackUpsertOutcome.Unchanged, outcome);
        var stored = Assert.Single(store.All(NlpTask.Sentiment));
        Assert.Equal(rowId, stored.RowId);
        Assert.True(stored.Used);
        Assert.Equal(T0, stored.ReceivedAt);
        Assert.Equal("r-1", stored.Example.Id);
        Assert.Equal("bob", stored.Example.Source);
        Assert.Equal(0, store.CountUnused(NlpTask.Sentiment));
    }

    [Fact]
    public void Upsert_DifferentLabel_LatestWinsAndIsUnusedAgain()
    {
        using var store = new FeedbackStore(DatabasePath);
        store.Upsert(Sentiment("Not bad at all", "negative", id: "r-1"), T0);
        var oldRowId = store.All(NlpTask.Sentiment)[0].RowId;
        store.MarkUsed(NlpTask.Sentiment, oldRowId);
        Assert.Equal(0, store.CountUnused(NlpTask.Sentiment));

        var outcome = store.Upsert(Sentiment("Not bad at all", "positive", source: "carol"), T0.AddMinutes(5));

        Assert.Equal(FeedbackUpsertOutcome.Updated, outcome);
        Assert.Equal(1, store.Count(NlpTask.Sentiment));
        Assert.Equal(1, store.CountUnused(NlpTask.Sentiment));
        var stored = Assert.Single(store.All(NlpTask.Sentiment));
        Assert.Equal("positive", stored.Example.Label);
        Assert.Equal("r-1", stored.Example.Id);
        Assert.Equal("carol", stored.Example.Source);
        Assert.False(stored.Used);
        Assert.Equal(T0.AddMinutes(5), stored.ReceivedAt);
        Assert.True(stored.RowId > oldRowId);
    }

    [Fact]
    public void Upsert_SameTextForAnotherTask_IsASeparateExample()
    {
        using var store = new FeedbackStore(DatabasePath);

        Assert.Equal(FeedbackUpsertOutcome.Inserted, store.Upsert(Sentiment("Stocks fell", "negative"), T0));
        Assert.Equal(FeedbackUpsertOutcome.Inserted, store.Upsert(new FeedbackExample(NlpTask.Classification, "Stocks fell", "Business"), T0));

        Assert.Equal(1, store.Count(NlpTask.Sentiment));
        Assert.Equal(1, store.Count(NlpTask.Classification));
        Assert.Equal(0, store.Count(NlpTask.Ner));
        Assert.Equal("Business", Assert.Single(store.All(NlpTask.Classification)).Example.Label);
    }

    [Fact]
    public void Upsert_IncompleteExample_Throws()
    {
        using var store = new FeedbackStore(DatabasePath);

        Assert.Throws<ArgumentException>(() => store.Upsert(new FeedbackExample(NlpTask.Sentiment, "Good"), T0));
        Assert.Throws<ArgumentException>(() => store.Upsert(new FeedbackExample(NlpTask.Ner, "Paris", Label: "LOC"), T0));
        Assert.Throws<ArgumentException>(() => store.Upsert(new FeedbackExample(NlpTask.Sentiment, "  ", "positive"), T0));
        Assert.Equal(0, store.Count(NlpTask.Sentiment) + store.Count(NlpTask.Ner));
    }

    [Fact]
    public void All_IsInInsertionOrder()
    {
        using var store = new FeedbackStore(DatabasePath);
        store.Upsert(Sentiment("b", "positive"), T0);
        store.Upsert(Sentiment("a", "negative"), T0.AddSeconds(1));
        store.Upsert(Sentiment("c", "positive"), T0.AddSeconds(2));

        var all = store.All(NlpTask.Sentiment);

        Assert.Equal(["b", "a", "c"], all.Select(stored => stored.Example.Text));
        Assert.True(all[0].RowId < all[1].RowId && all[1].RowId < all[2].RowId);
    }

    [Fact]
    public void OldestUnusedAt_FollowsTheUnusedExamples()
    {
        using var store = new FeedbackStore(DatabasePath);
        Assert.Null(store.OldestUnusedAt(NlpTask.Sentiment));

        store.Upsert(Sentiment("first", "positive"), T0.AddTicks(1234567));
        store.Upsert(Sentiment("second", "negative"), T0.AddMinutes(10));
        store.Upsert(new FeedbackExample(NlpTask.Classification, "other task", "World"), T0.AddMinutes(-30));

        Assert.Equal(T0.AddTicks(1234567), store.OldestUnusedAt(NlpTask.Sentiment));

        store.MarkUsed(NlpTask.Sentiment, store.All(NlpTask.Sentiment)[0].RowId);
        Assert.Equal(T0.AddMinutes(10), store.OldestUnusedAt(NlpTask.Sentiment));

        store.MarkUsed(NlpTask.Sentiment, store.All(NlpTask.Sentiment)[1].RowId);
        Assert.Null(store.OldestUnusedAt(NlpTask.Sentiment));
        Assert.Equal(T0.AddMinutes(-30), store.OldestUnusedAt(NlpTask.Classification));
    }

    [Fact]
    public void MarkUsed_MarksUpToTheRowIdOfThatTaskAndKeepsTheExamples()
    {
        using var store = new FeedbackStore(DatabasePath);
        store.Upsert(Sentiment("one", "positive"), T0);
        store.Upsert(Sentiment("two", "negative"), T0);
        store.Upsert(Sentiment("three", "positive"), T0);
        store.Upsert(new FeedbackExample(NlpTask.Classification, "four", "Sports"), T0);
        var all = store.All(NlpTask.Sentiment);

        store.MarkUsed(NlpTask.Sentiment, all[1].RowId);

        Assert.Equal(3, store.Count(NlpTask.Sentiment));
        Assert.Equal(1, store.CountUnused(NlpTask.Sentiment));
        Assert.Equal([true, true, false], store.All(NlpTask.Sentiment).Select(stored => stored.Used));
        Assert.Equal(1, store.CountUnused(NlpTask.Classification));

        store.MarkUsed(NlpTask.Sentiment, long.MaxValue);
        Assert.Equal(0, store.CountUnused(NlpTask.Sentiment));
        Assert.Equal(1, store.CountUnused(NlpTask.Classification));
    }

    [Fact]
    public void MarkUsed_DoesNotMarkALabelChangedAfterTheSnapshot()
    {
        using var store = new FeedbackStore(DatabasePath);
        store.Upsert(Sentiment("one", "positive"), T0);
        store.Upsert(Sentiment("two", "negative"), T0);
        var snapshot = store.All(NlpTask.Sentiment);

        // While a retrain trains on the snapshot, someone corrects "one".
        store.Upsert(Sentiment("one", "negative"), T0.AddMinutes(1));
        store.MarkUsed(NlpTask.Sentiment, snapshot.Max(stored => stored.RowId));

        var unused = Assert.Single(store.All(NlpTask.Sentiment), stored => !stored.Used);
        Assert.Equal("one", unused.Example.Text);
        Assert.Equal("negative", unused.Example.Label);
        Assert.Equal(1, store.CountUnused(NlpTask.Sentiment));
    }

    [Fact]
    public void Ner_EntitiesRoundTripSortedAndEmptyStaysEmpty()
    {
        using var store = new FeedbackStore(DatabasePath);
        var unsorted = new FeedbackExample(
            NlpTask.Ner,
            "Angela Merkel visited Zürich.",
            Entities: [new FeedbackEntity(22, 28, "LOC"), new FeedbackEntity(0, 13, "PER")],
            Id: "rec-1");
        store.Upsert(unsorted, T0);
        store.Upsert(new FeedbackExample(NlpTask.Ner, "nothing here", Entities: []), T0);

        var all = store.All(NlpTask.Ner);

        Assert.Equal(2, all.Count);
        Assert.Equal([new FeedbackEntity(0, 13, "PER"), new FeedbackEntity(22, 28, "LOC")], all[0].Example.Entities!);
        Assert.Null(all[0].Example.Label);
        Assert.Equal("rec-1", all[0].Example.Id);
        Assert.NotNull(all[1].Example.Entities);
        Assert.Empty(all[1].Example.Entities!);
    }

    [Fact]
    public void Ner_SameEntitiesInAnotherOrderAreUnchangedAndDifferentOnesUpdate()
    {
        using var store = new FeedbackStore(DatabasePath);
        const string Text = "Angela Merkel visited Paris.";
        store.Upsert(new FeedbackExample(NlpTask.Ner, Text, Entities: [new FeedbackEntity(0, 13, "PER"), new FeedbackEntity(22, 27, "LOC")]), T0);

        var reordered = store.Upsert(new FeedbackExample(NlpTask.Ner, Text, Entities: [new FeedbackEntity(22, 27, "LOC"), new FeedbackEntity(0, 13, "PER")]), T0);
        var relabelled = store.Upsert(new FeedbackExample(NlpTask.Ner, Text, Entities: [new FeedbackEntity(0, 13, "PER"), new FeedbackEntity(22, 27, "GPE")]), T0);
        var cleared = store.Upsert(new FeedbackExample(NlpTask.Ner, Text, Entities: []), T0);

        Assert.Equal(FeedbackUpsertOutcome.Unchanged, reordered);
        Assert.Equal(FeedbackUpsertOutcome.Updated, relabelled);
        Assert.Equal(FeedbackUpsertOutcome.Updated, cleared);
        Assert.Empty(Assert.Single(store.All(NlpTask.Ner)).Example.Entities!);
    }

    [Fact]
    public void Runs_AreListedNewestFirstFilteredAndLimited()
    {
        using var store = new FeedbackStore(DatabasePath);
        store.RecordRun(Run(NlpTask.Sentiment, T0.AddHours(1), RetrainDecisions.Rejected));
        store.RecordRun(Run(NlpTask.Ner, T0.AddHours(3), RetrainDecisions.Failed));
        store.RecordRun(Run(NlpTask.Sentiment, T0, RetrainDecisions.Promoted));
        store.RecordRun(Run(NlpTask.Sentiment, T0.AddHours(2), RetrainDecisions.Promoted));

        var all = store.Runs();
        var sentiment = store.Runs(NlpTask.Sentiment);
        var latestTwo = store.Runs(NlpTask.Sentiment, limit: 2);

        Assert.Equal([T0.AddHours(3), T0.AddHours(2), T0.AddHours(1), T0], all.Select(run => run.StartedAt));
        Assert.Equal([T0.AddHours(2), T0.AddHours(1), T0], sentiment.Select(run => run.StartedAt));
        Assert.All(sentiment, run => Assert.Equal(NlpTask.Sentiment, run.Task));
        Assert.Equal([T0.AddHours(2), T0.AddHours(1)], latestTwo.Select(run => run.StartedAt));
        Assert.Empty(store.Runs(NlpTask.Classification));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Runs(limit: 0));
    }

    [Fact]
    public void Runs_KeepEveryField()
    {
        using var store = new FeedbackStore(DatabasePath);
        var run = new RetrainRun(
            NlpTask.Classification,
            T0,
            T0.AddMinutes(7).AddTicks(3),
            1234,
            "classification-v3",
            null,
            new Dictionary<string, double> { ["accuracy"] = 0.91, ["macroF1"] = 0.875 },
            new Dictionary<string, double> { ["accuracy"] = double.NaN },
            RetrainDecisions.Failed,
            "training diverged: loss is NaN");

        store.RecordRun(run);
        var stored = Assert.Single(store.Runs());

        Assert.Equal(run.Task, stored.Task);
        Assert.Equal(run.StartedAt, stored.StartedAt);
        Assert.Equal(run.FinishedAt, stored.FinishedAt);
        Assert.Equal(1234, stored.Examples);
        Assert.Equal("classification-v3", stored.ChampionVersion);
        Assert.Null(stored.ChallengerVersion);
        Assert.Equal(run.Champion.OrderBy(pair => pair.Key), stored.Champion.OrderBy(pair => pair.Key));
        Assert.True(double.IsNaN(Assert.Single(stored.Challenger).Value));
        Assert.Equal("failed", stored.Decision);
        Assert.Equal("training diverged: loss is NaN", stored.Reason);
    }

    [Fact]
    public void ReopenedStore_StillHasItsExamplesAndRuns()
    {
        var ner = new FeedbackExample(NlpTask.Ner, "Paris in spring", Entities: [new FeedbackEntity(0, 5, "LOC")], Id: "7", Source: "dave");
        var first = new FeedbackStore(DatabasePath);
        first.Upsert(Sentiment("kept", "positive", id: "r-1"), T0);
        first.Upsert(Sentiment("also kept", "negative"), T0.AddMinutes(1));
        first.Upsert(ner, T0.AddMinutes(2));
        first.MarkUsed(NlpTask.Sentiment, first.All(NlpTask.Sentiment)[0].RowId);
        first.RecordRun(Run(NlpTask.Sentiment, T0.AddMinutes(3), RetrainDecisions.Promoted));
        var before = first.All(NlpTask.Sentiment);
        first.Dispose();
        SqliteConnection.ClearAllPools();

        using var reopened = new FeedbackStore(DatabasePath);

        Assert.Equal(before, reopened.All(NlpTask.Sentiment));
        Assert.Equal(2, reopened.Count(NlpTask.Sentiment));
        Assert.Equal(1, reopened.CountUnused(NlpTask.Sentiment));
        Assert.Equal(T0.AddMinutes(1), reopened.OldestUnusedAt(NlpTask.Sentiment));
        Assert.Equal(ner, Assert.Single(reopened.All(NlpTask.Ner)).Example);
        var run = Assert.Single(reopened.Runs());
        Assert.Equal(T0.AddMinutes(3), run.StartedAt);
        Assert.Equal(RetrainDecisions.Promoted, run.Decision);
        Assert.Equal(0.9, run.Challenger["accuracy"]);

        // The reopened store keeps de-duplicating against what the first one wrote.
        Assert.Equal(FeedbackUpsertOutcome.Unchanged, reopened.Upsert(Sentiment("kept", "positive"), T0.AddDays(1)));
        Assert.True(reopened.All(NlpTask.Sentiment)[0].Used);
    }

    [Fact]
    public void Upsert_FromManyThreads_KeepsEveryDistinctText()
    {
        using var store = new FeedbackStore(DatabasePath);

        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            store.Upsert(Sentiment($"text {i % 100}", i < 100 ? "positive" : "negative"), T0.AddSeconds(i)));

        Assert.Equal(100, store.Count(NlpTask.Sentiment));
        Assert.Equal(100, store.CountUnused(NlpTask.Sentiment));
        Assert.All(store.All(NlpTask.Sentiment), stored => Assert.Contains(stored.Example.Label, new[] { "positive", "negative" }));
    }

    [Fact]
    public void DisposedStore_Throws()
    {
        var store = new FeedbackStore(DatabasePath);
        store.Dispose();
        store.Dispose();

        Assert.Throws<ObjectDisposedException>(() => store.Count(NlpTask.Sentiment));
        Assert.Throws<ObjectDisposedException>(() => store.Upsert(Sentiment("x", "positive"), T0));
    }

    private static FeedbackExample Sentiment(string text, string label, string? id = null, string? source = null) =>
        new(NlpTask.Sentiment, text, label, Id: id, Source: source);

    private static RetrainRun Run(NlpTask task, DateTimeOffset startedAt, string decision) => new(
        task,
        startedAt,
        startedAt.AddMinutes(5),
        100,
        $"{task.ToName()}-v1",
        decision == RetrainDecisions.Failed ? null : $"{task.ToName()}-v2",
        new Dictionary<string, double> { ["accuracy"] = 0.8 },
        new Dictionary<string, double> { ["accuracy"] = 0.9 },
        decision,
        "test run");

    private object? QueryScalar(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
