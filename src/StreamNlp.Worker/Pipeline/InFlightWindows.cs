namespace StreamNlp.Worker.Pipeline;

/// <summary>
/// Counts the windows between the inference stage and the end of their delivery (records acknowledged,
/// offsets stored and committed). With the stages overlapped, two windows can be in flight at once: one
/// delivering while the next is enriched. A revoke <see cref="Drain"/>s: no new window starts, the ones in
/// flight finish, and then the handler commits before the partitions go to their next owner.
/// </summary>
public sealed class InFlightWindows : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ManualResetEventSlim _idle = new(initialState: true);
    private TaskCompletionSource _reopened = NewGate();
    private int _count;
    private bool _draining;

    /// <summary>Windows entered and not yet exited.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>A window starts; waits while a drain is under way.</summary>
    public async Task EnterAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task reopened;
            lock (_lock)
            {
                if (!_draining)
                {
                    if (_count++ == 0)
                    {
                        _idle.Reset();
                    }

                    return;
                }

                reopened = _reopened.Task;
            }

            await reopened.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A window is done: delivered and committed, or given up.</summary>
    public void Exit()
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                throw new InvalidOperationException("No window is in flight.");
            }

            if (--_count == 0)
            {
                _idle.Set();
            }
        }
    }

    /// <summary>
    /// Stops new windows from starting and waits (blocking: it runs on the consume thread, inside a rebalance
    /// callback) until none is in flight. True when drained; false after <paramref name="timeout"/>. Either
    /// way the caller calls <see cref="Reopen"/> when done.
    /// </summary>
    public bool Drain(TimeSpan timeout)
    {
        lock (_lock)
        {
            if (!_draining)
            {
                _draining = true;
                _reopened = NewGate();
            }
        }

        return _idle.Wait(timeout);
    }

    /// <summary>Lets windows start again after a <see cref="Drain"/>.</summary>
    public void Reopen()
    {
        TaskCompletionSource reopened;
        lock (_lock)
        {
            _draining = false;
            reopened = _reopened;
        }

        reopened.TrySetResult();
    }

    public void Dispose() => _idle.Dispose();

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
