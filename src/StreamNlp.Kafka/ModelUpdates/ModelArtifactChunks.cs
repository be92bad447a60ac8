using System.Globalization;

namespace StreamNlp.Kafka.ModelUpdates;

/// <summary>
/// How a model artifact is cut into messages of the models topic. Each chunk has a key of its own
/// (<c>artifact/&lt;task&gt;/&lt;version&gt;/&lt;index&gt;</c>), so compaction, which keeps the last message per
/// key, keeps every chunk of every version, while the <c>model-updated</c> events (key: the task) compact to
/// the current one.
/// </summary>
public static class ModelArtifactChunks
{
    /// <summary>Chunk size: half of the default 1 MB message limit of brokers and producers, leaving room for framing.</summary>
    public const int DefaultChunkBytes = 512 * 1024;

    private const string Prefix = "artifact/";

    public static string Key(string task, string version, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{task}/{version}/{index}");

    /// <summary>True for a chunk's key, with its parts.</summary>
    public static bool TryParseKey(string? key, out string task, out string version, out int index)
    {
        task = version = "";
        index = -1;
        if (key is null || !key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = key[Prefix.Length..].Split('/');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out index))
        {
            return false;
        }

        task = parts[0];
        version = parts[1];
        return true;
    }

    /// <summary>Cuts <paramref name="artifact"/> into pieces of at most <paramref name="chunkBytes"/> (at least one piece).</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Split(byte[] artifact, int chunkBytes = DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        var chunks = new List<ReadOnlyMemory<byte>>();
        for (var offset = 0; offset < artifact.Length || chunks.Count == 0; offset += chunkBytes)
        {
            chunks.Add(artifact.AsMemory(offset, Math.Min(chunkBytes, artifact.Length - offset)));
        }

        return chunks;
    }
}
