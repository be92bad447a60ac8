using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;

namespace StreamNlp.Retrainer.Storage;

/// <summary>
/// The retrainer's durable local store: feedback examples, de-duplicated by (task, text), and the history of
/// retrain runs, in one SQLite file (WAL mode) that survives restarts. Thread-safe: one connection, used
/// under a lock.
/// </summary>
/// <remarks>
/// An example is <em>unused</em> until a retrain that trained on its current label calls
/// <see cref="MarkUsed"/>. Used examples stay: they remain training data for later retrains. A changed label
/// gets a new, larger row id, so <c>MarkUsed(task, lastRowIdTrainedOn)</c> never marks a label that arrived
/// after the training snapshot was taken.
/// </remarks>
public sealed class FeedbackStore : IDisposable
{
    /// <summary>The schema this code writes; a database with a newer version is refused rather than damaged.</summary>
    public const int SchemaVersion = 1;

    // Fixed width, UTC: sorts as text in time order and stays readable in the sqlite3 shell.
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private bool _disposed;

    /// <summary>Opens the store at <paramref name="databasePath"/>, creating its folder, file and schema if missing.</summary>
    /// <exception cref="InvalidOperationException">The file was written by a newer schema version.</exception>
    public FeedbackStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        var folder = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // The store holds its one connection for its whole life; without pooling, Dispose really closes the file.
            Pooling = false,
        }.ToString();
        _connection = new SqliteConnection(connectionString);
        try
        {
            _connection.Open();
            InitializeSchema();
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    /// <summary>The full path of the SQLite file.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// Stores <paramref name="example"/>. A new text is inserted as unused. The same text with the same label
    /// (or entities) keeps its state and only has its id and source refreshed. A different label replaces the
    /// old one (latest wins), is stamped <paramref name="receivedAt"/> and is unused again. In every case an id
    /// or source the example leaves out keeps its stored value.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// An empty text, a classification/sentiment example without a label, or an ner example without entities.
    /// </exception>
    public FeedbackUpsertOutcome Upsert(FeedbackExample example, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(example);
        var (label, entitiesJson) = Canonicalize(example);
        var taskName = example.Task.ToName();

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _connection.BeginTransaction();

            long? existingRowId = null;
            string? existingLabel = null;
            string? existingEntities = null;
            using (var select = Command(
                "SELECT row_id, label, entities FROM feedback WHERE task = $task AND text = $text",
                ("$task", taskName),
                ("$text", example.Text)))
            using (var reader = select.ExecuteReader())
            {
                if (reader.Read())
                {
                    existingRowId = reader.GetInt64(0);
                    existingLabel = reader.IsDBNull(1) ? null : reader.GetString(1);
                    existingEntities = reader.IsDBNull(2) ? null : reader.GetString(2);
                }
            }

            FeedbackUpsertOutcome outcome;
            if (existingRowId is null)
            {
                Insert(taskName, example, label, entitiesJson, receivedAt, example.Id, example.Source);
                outcome = FeedbackUpsertOutcome.Inserted;
            }
            else if (string.Equals(existingLabel, label, StringComparison.Ordinal)
                && string.Equals(existingEntities, entitiesJson, StringComparison.Ordinal))
            {
                using var refresh = Command(
                    "UPDATE feedback SET example_id = COALESCE($id, example_id), source = COALESCE($source, source) WHERE row_id = $rowId",
                    ("$id", example.Id),
                    ("$source", example.Source),
                    ("$rowId", existingRowId.Value));
                refresh.ExecuteNonQuery();
                outcome = FeedbackUpsertOutcome.Unchanged;
            }
            else
            {
                // Delete and re-insert rather than update in place: the new label gets a row id above every
                // earlier one (AUTOINCREMENT never reuses ids), which keeps MarkUsed's "up to row id" exact.
                string? oldId;
                string? oldSource;
                using (var old = Command("SELECT example_id, source FROM feedback WHERE row_id = $rowId", ("$rowId", existingRowId.Value)))
                using (var reader = old.ExecuteReader())
                {
                    reader.Read();
                    oldId = reader.IsDBNull(0) ? null : reader.GetString(0);
                    oldSource = reader.IsDBNull(1) ? null : reader.GetString(1);
                }

                using (var delete = Command("DELETE FROM feedback WHERE row_id = $rowId", ("$rowId", existingRowId.Value)))
                {
                    delete.ExecuteNonQuery();
                }

                Insert(taskName, example, label, entitiesJson, receivedAt, example.Id ?? oldId, example.Source ?? oldSource);
                outcome = FeedbackUpsertOutcome.Updated;
            }

            transaction.Commit();
            return outcome;
        }
    }

    /// <summary>How many examples of <paramref name="task"/> no retrain has used yet.</summary>
    public int CountUnused(NlpTask task) =>
        ScalarInt("SELECT COUNT(*) FROM feedback WHERE task = $task AND used = 0", ("$task", task.ToName()));

    /// <summary>How many examples of <paramref name="task"/> the store holds, used or not.</summary>
    public int Count(NlpTask task) =>
        ScalarInt("SELECT COUNT(*) FROM feedback WHERE task = $task", ("$task", task.ToName()));

    /// <summary>When the oldest unused example of <paramref name="task"/> was received (UTC); null when none is unused.</summary>
    public DateTimeOffset? OldestUnusedAt(NlpTask task)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = Command("SELECT MIN(received_at) FROM feedback WHERE task = $task AND used = 0", ("$task", task.ToName()));
            return command.ExecuteScalar() is string text ? ParseTimestamp(text) : null;
        }
    }

    /// <summary>Every example of <paramref name="task"/>, used or not, in row id order (the order their current labels arrived).</summary>
    public IReadOnlyList<StoredFeedback> All(NlpTask task)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = Command(
                "SELECT row_id, text, label, entities, example_id, source, received_at, used FROM feedback WHERE task = $task ORDER BY row_id",
                ("$task", task.ToName()));
            using var reader = command.ExecuteReader();
            var examples = new List<StoredFeedback>();
            while (reader.Read())
            {
                var entities = reader.IsDBNull(3)
                    ? null
                    : JsonSerializer.Deserialize(reader.GetString(3), StorageJsonContext.Default.ListFeedbackEntity);
                var example = new FeedbackExample(
                    task,
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    entities,
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5));
                examples.Add(new StoredFeedback(reader.GetInt64(0), example, ParseTimestamp(reader.GetString(6)), reader.GetInt64(7) != 0));
            }

            return examples;
        }
    }

    /// <summary>
    /// Marks every example of <paramref name="task"/> with a row id up to <paramref name="upToRowIdInclusive"/> as
    /// used (typically the largest row id a retrain trained on). Used examples stay in the store.
    /// </summary>
    public void MarkUsed(NlpTask task, long upToRowIdInclusive)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = Command(
                "UPDATE feedback SET used = 1 WHERE task = $task AND row_id <= $upTo AND used = 0",
                ("$task", task.ToName()),
                ("$upTo", upToRowIdInclusive));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Adds <paramref name="run"/> to the retrain history.</summary>
    public void RecordRun(RetrainRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var champion = JsonSerializer.Serialize(new Dictionary<string, double>(run.Champion, StringComparer.Ordinal), StorageJsonContext.Default.DictionaryStringDouble);
        var challenger = JsonSerializer.Serialize(new Dictionary<string, double>(run.Challenger, StringComparer.Ordinal), StorageJsonContext.Default.DictionaryStringDouble);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = Command(
                """
                INSERT INTO retrain_runs
                    (task, started_at, finished_at, examples, champion_version, challenger_version,
                     champion_metrics, challenger_metrics, decision, reason)
                VALUES
                    ($task, $startedAt, $finishedAt, $examples, $championVersion, $challengerVersion,
                     $champion, $challenger, $decision, $reason)
                """,
                ("$task", run.Task.ToName()),
                ("$startedAt", FormatTimestamp(run.StartedAt)),
                ("$finishedAt", FormatTimestamp(run.FinishedAt)),
                ("$examples", run.Examples),
                ("$championVersion", run.ChampionVersion),
                ("$challengerVersion", run.ChallengerVersion),
                ("$champion", champion),
                ("$challenger", challenger),
                ("$decision", run.Decision),
                ("$reason", run.Reason));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The latest <paramref name="limit"/> retrain runs, of one task or of all, newest (by start time) first.</summary>
    public IReadOnlyList<RetrainRun> Runs(NlpTask? task = null, int limit = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = Command(
                """
                SELECT task, started_at, finished_at, examples, champion_version, challenger_version,
                       champion_metrics, challenger_metrics, decision, reason
                FROM retrain_runs
                WHERE $task IS NULL OR task = $task
                ORDER BY started_at DESC, run_id DESC
                LIMIT $limit
                """,
                ("$task", task?.ToName()),
                ("$limit", limit));
            using var reader = command.ExecuteReader();
            var runs = new List<RetrainRun>();
            while (reader.Read())
            {
                runs.Add(new RetrainRun(
                    NlpTaskNames.Parse(reader.GetString(0)),
                    ParseTimestamp(reader.GetString(1)),
                    ParseTimestamp(reader.GetString(2)),
                    reader.GetInt32(3),
                    reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    ParseMetrics(reader.GetString(6)),
                    ParseMetrics(reader.GetString(7)),
                    reader.GetString(8),
                    reader.GetString(9)));
            }

            return runs;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _connection.Dispose();
        }
    }

    private void InitializeSchema()
    {
        // WAL must be set outside a transaction; it is persistent, so reopening keeps it.
        using (var wal = Command("PRAGMA journal_mode = WAL"))
        {
            var mode = wal.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL mode for '{DatabasePath}' (journal mode is '{mode}').");
            }
        }

        using var transaction = _connection.BeginTransaction();
        using (var create = Command("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))
        {
            create.ExecuteNonQuery();
        }

        long? version;
        using (var read = Command("SELECT MAX(version) FROM schema_version"))
        {
            version = read.ExecuteScalar() is long value ? value : null;
        }

        if (version > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"'{DatabasePath}' has feedback store schema version {version}; this build understands up to {SchemaVersion}.");
        }

        if (version is null)
        {
            using var createSchema = Command(
                """
                CREATE TABLE feedback (
                    row_id      INTEGER PRIMARY KEY AUTOINCREMENT,
                    task        TEXT    NOT NULL,
                    text        TEXT    NOT NULL,
                    label       TEXT    NULL,
                    entities    TEXT    NULL,
                    example_id  TEXT    NULL,
                    source      TEXT    NULL,
                    received_at TEXT    NOT NULL,
                    used        INTEGER NOT NULL DEFAULT 0,
                    UNIQUE (task, text)
                );
                CREATE INDEX ix_feedback_task_used ON feedback (task, used, row_id);
                CREATE TABLE retrain_runs (
                    run_id             INTEGER PRIMARY KEY AUTOINCREMENT,
                    task               TEXT    NOT NULL,
                    started_at         TEXT    NOT NULL,
                    finished_at        TEXT    NOT NULL,
                    examples           INTEGER NOT NULL,
                    champion_version   TEXT    NOT NULL,
                    challenger_version TEXT    NULL,
                    champion_metrics   TEXT    NOT NULL,
                    challenger_metrics TEXT    NOT NULL,
                    decision           TEXT    NOT NULL,
                    reason             TEXT    NOT NULL
                );
                CREATE INDEX ix_retrain_runs_task_started ON retrain_runs (task, started_at);
                INSERT INTO schema_version (version) VALUES (1);
                """);
            createSchema.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private void Insert(string taskName, FeedbackExample example, string? label, string? entitiesJson, DateTimeOffset receivedAt, string? id, string? source)
    {
        using var insert = Command(
            """
            INSERT INTO feedback (task, text, label, entities, example_id, source, received_at, used)
            VALUES ($task, $text, $label, $entities, $id, $source, $receivedAt, 0)
            """,
            ("$task", taskName),
            ("$text", example.Text),
            ("$label", label),
            ("$entities", entitiesJson),
            ("$id", id),
            ("$source", source),
            ("$receivedAt", FormatTimestamp(receivedAt)));
        insert.ExecuteNonQuery();
    }

    private int ScalarInt(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = Command(sql, parameters);
            return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
    }

    // Callers hold _gate. Commands on a connection with an open transaction join it automatically.
    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    /// <summary>The stored form of an example's label and entities: exactly one is set, entities sorted by span.</summary>
    private static (string? Label, string? EntitiesJson) Canonicalize(FeedbackExample example)
    {
        if (string.IsNullOrWhiteSpace(example.Text))
        {
            throw new ArgumentException("A feedback example needs a non-empty text.", nameof(example));
        }

        if (example.Task == NlpTask.Ner)
        {
            if (example.Entities is null)
            {
                throw new ArgumentException("An ner feedback example needs Entities (an empty list when the text has none).", nameof(example));
            }

            var sorted = example.Entities.OrderBy(e => e.Start).ThenBy(e => e.End).ThenBy(e => e.Label, StringComparer.Ordinal).ToList();
            return (null, JsonSerializer.Serialize(sorted, StorageJsonContext.Default.ListFeedbackEntity));
        }

        if (string.IsNullOrWhiteSpace(example.Label))
        {
            throw new ArgumentException($"A {example.Task.ToName()} feedback example needs a non-empty Label.", nameof(example));
        }

        return (example.Label.Trim(), null);
    }

    private static IReadOnlyDictionary<string, double> ParseMetrics(string json) =>
        JsonSerializer.Deserialize(json, StorageJsonContext.Default.DictionaryStringDouble) ?? [];

    private static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.ParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
