using System.Text.RegularExpressions;

namespace StreamNlp.Retrainer.Leadership;

/// <summary>
/// Who this retrainer is among its replicas: a random id kept in a small file next to the feedback database
/// (<c>&lt;database&gt;.instance</c>), created on the first start and read on every later one. The id names the
/// instance's own feedback consumer group (<see cref="FeedbackGroupId"/>), so a restart resumes from that group's
/// committed offsets, and a fresh database (a new HOME, a new volume) reads the feedback topic from its beginning.
/// All instances share one lease group (<see cref="LeaseGroupId"/>).
/// </summary>
public static partial class RetrainerInstance
{
    /// <summary>What is appended to the database's file name to name the id file.</summary>
    public const string FileSuffix = ".instance";

    /// <summary>The id file of the database at <paramref name="databasePath"/>.</summary>
    public static string IdFileFor(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        return Path.GetFullPath(databasePath) + FileSuffix;
    }

    /// <summary>
    /// The instance id kept beside <paramref name="databasePath"/>; a new one (12 lower-case hex digits) is written
    /// atomically when the file is missing. A file that holds no valid id is an error naming the file, not silently
    /// replaced: a new id would re-read the whole feedback topic under a new group.
    /// </summary>
    public static string LoadOrCreate(string databasePath)
    {
        var path = IdFileFor(databasePath);
        if (File.Exists(path))
        {
            var id = File.ReadAllText(path).Trim();
            return IsValid(id)
                ? id
                : throw new InvalidDataException($"{path} does not hold a retrainer instance id (1–64 of a-z, 0-9, '-', '_'); fix or delete it (a new id reads the feedback topic from its beginning).");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var created = Guid.NewGuid().ToString("N")[..12];
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, created + "\n");
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp); // another process created it first: use theirs
            return LoadOrCreate(databasePath);
        }

        return created;
    }

    /// <summary>The feedback consumer group of one instance: <c>&lt;groupId&gt;-&lt;instanceId&gt;</c>.</summary>
    public static string FeedbackGroupId(string groupId, string instanceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        if (!IsValid(instanceId))
        {
            throw new ArgumentException($"'{instanceId}' is not a retrainer instance id.", nameof(instanceId));
        }

        return $"{groupId}-{instanceId}";
    }

    /// <summary>The lease group every instance joins: <c>&lt;groupId&gt;-lease</c>.</summary>
    public static string LeaseGroupId(string groupId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        return $"{groupId}-lease";
    }

    /// <summary>Whether <paramref name="id"/> can be an instance id (and so part of a group id).</summary>
    public static bool IsValid(string? id) => id is not null && IdPattern().IsMatch(id) && id != "lease";

    [GeneratedRegex("^[a-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
