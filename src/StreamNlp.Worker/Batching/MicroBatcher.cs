using System.Threading.Channels;

namespace StreamNlp.Worker.Batching;

/// <summary>
/// Groups items from a channel into micro-batches: a batch starts with the first item that arrives
/// and closes when the <see cref="BatchPolicy"/> is full or <see cref="BatchPolicy.MaxWait"/> has passed
/// since that first item, whichever comes first. Time comes from <see cref="TimeProvider"/> so tests
/// drive it with a fake clock. One reader at a time.
/// </summary>
public sealed class MicroBatcher<T>(ChannelReader<T> reader, BatchPolicy policy, Func<T, int> tokenCount, TimeProvider time)
{
    /// <summary>Next batch, or null once the channel is completed and empty.</summary>
    public async ValueTask<IReadOnlyList<T>?> NextBatchAsync(CancellationToken cancellationToken)
    {
        if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var batch = new List<T>(policy.MaxItems);
        var longest = 0;
        var started = time.GetTimestamp();
        while (true)
        {
            while (reader.TryPeek(out var next))
            {
                var tokens = tokenCount(next);
                if (!policy.Admits(batch.Count, longest, tokens))
                {
                    return batch;
                }

                reader.TryRead(out _);
                batch.Add(next);
                longest = Math.Max(longest, tokens);
                if (batch.Count >= policy.MaxItems)
                {
                    return batch;
                }
            }

            var remaining = policy.MaxWait - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return batch;
            }

            using var timeout = new CancellationTokenSource(remaining, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                if (!await reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
                {
                    return batch; // completed: hand over what we have
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return batch; // waited long enough
            }
        }
    }
}
