namespace StreamNlp.Worker.Ingestion;

/// <summary>
/// Holds back new batches while the group coordinator refuses commits because a rebalance is under way.
/// A batch processed then could not be committed, and if its partition moves, the next owner would
/// process it again. The hold starts when a commit is refused with "rebalance in progress" and ends at
/// the next rebalance callback (assigned, revoked or lost: the new generation is known) or after
/// <see cref="MaxHold"/>, whichever comes first.
/// </summary>
public sealed class RebalanceHold(TimeProvider time)
{
    public static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private TaskCompletionSource? _released;

    /// <summary>A commit was refused because the group is rebalancing.</summary>
    public void Begin()
    {
        lock (_lock)
        {
            _released ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>A rebalance callback ran: the group has a new generation.</summary>
    public void End()
    {
        TaskCompletionSource? released;
        lock (_lock)
        {
            released = _released;
            _released = null;
        }

        released?.TrySetResult();
    }

    /// <summary>Returns at once when not holding; otherwise when the hold ends or after <see cref="MaxHold"/>.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Task? wait;
        lock (_lock)
        {
            wait = _released?.Task;
        }

        if (wait is null)
        {
            return;
        }

        try
        {
            await wait.WaitAsync(MaxHold, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            End(); // no callback came: carry on rather than stall the partition
        }
    }
}
