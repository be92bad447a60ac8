using StreamNlp.Core.Contracts;
using StreamNlp.Core.Hashing;

namespace StreamNlp.Kafka.ModelUpdates;

/// <summary>
/// Joins the chunks of model artifacts read from the models topic until their <c>model-updated</c> event
/// arrives, then hands over the whole archive, checked against the event's length and SHA-256. Holds at most
/// <see cref="MaxPendingArtifacts"/> unfinished artifacts (the oldest is dropped), so chunks whose event never
/// comes cannot fill memory. One thread at a time (the listener's).
/// </summary>
public sealed class ModelArtifactAssembler
{
    public const int MaxPendingArtifacts = 16;

    private readonly Dictionary<(string Task, string Version), SortedDictionary<int, byte[]>> _pending = [];
    private readonly Queue<(string Task, string Version)> _arrival = new();

    /// <summary>Artifacts with chunks waiting for their event.</summary>
    public int PendingArtifacts => _pending.Count;

    public void Add(string task, string version, int index, byte[] chunk)
    {
        var key = (task, version);
        if (!_pending.TryGetValue(key, out var chunks))
        {
            if (_pending.Count >= MaxPendingArtifacts)
            {
                while (_arrival.TryDequeue(out var oldest) && !_pending.Remove(oldest))
                {
                    // already taken
                }
            }

            chunks = [];
            _pending[key] = chunks;
            _arrival.Enqueue(key);
        }

        chunks[index] = chunk; // a chunk seen twice (a producer retry) counts once
    }

    /// <summary>
    /// The archive announced by <paramref name="reference"/>, or the reason it cannot be had (chunks missing,
    /// wrong length, wrong SHA-256). Either way the chunks held for it are released.
    /// </summary>
    public byte[]? Take(string task, string version, ModelArtifactReference reference, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(reference);
        problem = null;
        if (!_pending.Remove((task, version), out var chunks))
        {
            problem = $"none of its {reference.Chunks} chunks was read";
            return null;
        }

        var missing = Enumerable.Range(0, Math.Max(0, reference.Chunks)).Where(i => !chunks.ContainsKey(i)).ToList();
        if (missing.Count > 0 || chunks.Count != reference.Chunks)
        {
            problem = missing.Count > 0
                ? $"{missing.Count} of its {reference.Chunks} chunks are missing (first: {missing[0]})"
                : $"it came in {chunks.Count} chunks where the event says {reference.Chunks}";
            return null;
        }

        var total = chunks.Values.Sum(c => (long)c.Length);
        if (total != reference.Bytes)
        {
            problem = $"its chunks hold {total} bytes where the event says {reference.Bytes} (truncated or mixed up)";
            return null;
        }

        var archive = new byte[total];
        var offset = 0;
        foreach (var chunk in chunks.Values)
        {
            chunk.CopyTo(archive, offset);
            offset += chunk.Length;
        }

        var sha = FileHash.Sha256Of(archive);
        if (!string.Equals(sha, reference.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            problem = $"its SHA-256 is {sha} where the event says {reference.Sha256}";
            return null;
        }

        return archive;
    }
}
